/**
 * A fake SearXNG instance: GET /search?q=…&format=json answers SearXNG's JSON shape
 * ({query, number_of_results, results:[{url,title,content,engine,score}], answers, suggestions}).
 * Without format=json it answers 403, as SearXNG does when the JSON format is not enabled.
 * The query `hang` never gets an answer (tool timeouts); `fail` answers 500.
 *
 *   const search = await startFakeSearxng();   // search.url, search.requests, search.close()
 */
import { startFakeServer, sendJson, type FakeServer } from './http';

export async function startFakeSearxng(): Promise<FakeServer> {
  return startFakeServer((req, res) => {
    if (req.method !== 'GET' || req.path !== '/search') return sendJson(res, 404, { error: 'not found' });
    if (req.query.get('format') !== 'json') {
      res.writeHead(403, { 'content-type': 'text/html' });
      return res.end('<h1>403 Forbidden</h1>');
    }
    const q = req.query.get('q') ?? '';
    if (q === 'hang') return;
    if (q === 'fail') return sendJson(res, 500, { error: 'engine crashed' });
    const results = [1, 2, 3, 4, 5, 6].map((n) => ({
      url: `https://example.com/${encodeURIComponent(q)}/${n}`,
      title: `Result ${n} for ${q}`,
      content: `Snippet ${n} about ${q}.`,
      engine: 'fake',
      score: 1 / n,
    }));
    return sendJson(res, 200, {
      query: q,
      number_of_results: results.length,
      results,
      answers: [],
      corrections: [],
      infoboxes: [],
      suggestions: [],
      unresponsive_engines: [],
    });
  });
}
