/**
 * A gateway dies (SIGKILL, at a failpoint) right after a message took its place in a session,
 * before the message was stored or queued: nothing would ever finish it. The repair sweep of a
 * worker process releases the place, and the session's next message, sent to another gateway,
 * answers.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../server/embedded-redis';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { testRedisUrl } from '../helpers/redis';
import { cleanEnv, startCli, tempDir } from '../foundation/process';
import { API, report, workerPool, type WorkerPool } from './harness';

const CONFIG = { model: 'offline', workspaces: [{ id: 'team' }] };

describe('a gateway killed after taking a place in a session', () => {
  let gw: TestGateway;
  let pool: WorkerPool;

  beforeAll(async () => {
    gw = await startTestGateway({ config: CONFIG, workers: false });
    pool = workerPool(CONFIG);
    await pool.add();
  });
  afterAll(async () => {
    await pool?.stop();
    await gw?.close();
  });

  it('the repair sweep releases the place and the next message answers', async () => {
    const dir = tempDir('openclaw-lost-place-');
    writeFileSync(join(dir, 'openclaw.json'), JSON.stringify({ ...CONFIG, workers: { enabled: false } }));
    const port = await freePort();
    const doomed = startCli(['start'], {
      cwd: dir,
      env: cleanEnv({ REDIS_URL: testRedisUrl(), PORT: String(port), OPENCLAW_FAILPOINTS: 'message.placed' }),
    });
    await doomed.waitFor(/Listening on/);

    const lost = fetch(`http://127.0.0.1:${port}${API}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workspace: 'team', userId: 'placed', sessionId: 'lost-place', message: 'never stored' }),
    });
    await expect(lost).rejects.toThrow(); // the connection dies with the gateway
    expect(await doomed.exited).toBe('SIGKILL');
    const session = (await gw.request('GET', `${API}/sessions/lost-place`)).body;
    expect(session).toMatchObject({ id: 'lost-place', messageCount: 0 });

    const sentAt = Date.now();
    const next = await gw.request('POST', `${API}/messages`, {
      body: { workspace: 'team', userId: 'placed', sessionId: 'lost-place', message: 'after the crash' },
    });
    report('gateway killed after taking a place', { next_answered_after_ms: Date.now() - sentAt });
    expect(next.status).toBe(200);
    expect(next.body.response).toContain('You said: after the crash (turn 1 of this session');
    const history = (await gw.request('GET', `${API}/sessions/lost-place/history`)).body.data;
    expect(history.map((t: { content: string }) => t.content)).toEqual(['after the crash', next.body.response]);
  });
});
