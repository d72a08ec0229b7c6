/**
 * docs/api.md is the API contract, so it must match the code: a real gateway's OpenAPI document
 * gives every route, which must have a heading in the doc; every route the doc names must exist;
 * every code of the error catalogue must be in the doc's error table with its status; every
 * event and permission must be in their tables. Adding a route, a code, an event or a
 * permission without documenting it fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routesOf } from '../../server/app';
import { ERROR_CODES } from '../../server/errors';
import { EVENT_NAMES } from '../../server/events';
import { PERMISSIONS } from '../../server/config-schema';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const API_DOC = readFileSync(join(__dirname, '../../docs/api.md'), 'utf8');
const ROUTE = /\b(GET|POST|PUT|PATCH|DELETE)\s+(\/[A-Za-z0-9_\-./{}:*]*)/g;

/** `/sessions/{sessionId}` and `/sessions/:sessionId` → `/sessions/{}`: parameter names do not matter. */
const shape = (method: string, path: string) =>
  `${method.toUpperCase()} ${path.replace(/\/+$|\.+$/, '').replace(/\{[^}]*\}|:[A-Za-z_]\w*/g, '{}')}`;

/** Every `METHOD /path` in the text (query strings and trailing dots dropped), optionally only in headings. */
function namedRoutes(text: string, headingsOnly = false): string[] {
  const lines = text.split('\n').filter((l) => !headingsOnly || /^#{2,6} /.test(l));
  return lines.flatMap((l) => [...l.matchAll(ROUTE)].map((m) => shape(m[1], m[2])));
}

/** Paths in the doc are written in full or relative to the API prefix; both forms count. */
const forms = (route: string, prefix: string) => {
  const [method, path] = route.split(' ');
  return [route, `${method} ${prefix}${path}`];
};

/** Routes of `expected` without a heading in `text`. */
const undocumented = (text: string, expected: string[], prefix: string) => {
  const headed = new Set(namedRoutes(text, true).flatMap((r) => forms(r, prefix)));
  return expected.filter((r) => !headed.has(r));
};

/** Routes `text` names that are not in `served`. */
const unknownRoutes = (text: string, served: Set<string>, prefix: string) =>
  [...new Set(namedRoutes(text))].filter((r) => !forms(r, prefix).some((f) => served.has(f)));

/** Rows `| <first cell> | \`<name>\` …` of the doc's tables: name → first cell (the status, for errors). */
function tableRows(text: string, nameColumn: 0 | 1): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of text.split('\n')) {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    const name = /^`([^`]+)`/.exec(cells[nameColumn] ?? '');
    if (line.startsWith('|') && name) rows.set(name[1], cells[0]);
  }
  return rows;
}

describe('docs/api.md matches the gateway', () => {
  let gw: TestGateway;
  let prefix: string;
  let openApiRoutes: string[];
  let served: Set<string>;
  beforeAll(async () => {
    gw = await startTestGateway();
    prefix = gw.gateway.ctx.config.api.prefix;
    const doc = (await gw.request('GET', `${prefix}/openapi.json`, { key: null })).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    openApiRoutes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => shape(method, path)),
    );
    // Every route the app registered, the ones hidden from the OpenAPI document (probes, dashboard) included.
    served = new Set(routesOf(gw.gateway.app!).map((r) => shape(r.method, r.url)));
  });
  afterAll(() => gw.close());

  it('has a heading for every route of the served OpenAPI document', () => {
    expect(openApiRoutes.length).toBeGreaterThan(30);
    expect(undocumented(API_DOC, openApiRoutes, prefix)).toEqual([]);
  });

  it('names no route the gateway does not serve', () => {
    expect(namedRoutes(API_DOC).length).toBeGreaterThan(openApiRoutes.length);
    expect(unknownRoutes(API_DOC, served, prefix)).toEqual([]);
  });

  it('lists every code of the error catalogue with its status', () => {
    const documented = tableRows(API_DOC, 1);
    const wrong = Object.entries(ERROR_CODES)
      .filter(([code, { status }]) => documented.get(code) !== String(status))
      .map(([code, { status }]) => `${code}: catalogue ${status}, docs/api.md ${documented.get(code) ?? 'missing'}`);
    expect(wrong).toEqual([]);
  });

  it('lists every event and every permission', () => {
    const firstColumn = tableRows(API_DOC, 0);
    expect([...EVENT_NAMES, 'ping', ...PERMISSIONS].filter((name) => !firstColumn.has(name))).toEqual([]);
  });

  // The checks above must be able to fail: each catches a doc that is out of step (synthetic docs, so only a broken checker fails here).
  it('catches a route without a heading, a route that does not exist and a code with the wrong status', () => {
    const [first, ...rest] = openApiRoutes;
    const headings = rest.map((r) => `#### \`${r}\``).join('\n');
    expect(undocumented(headings, openApiRoutes, prefix)).toEqual([first]);
    const prose = 'Poll `GET /messages/{messageId}`, not `DELETE /messages/{messageId}` or GET /api/v1/nowhere.';
    expect(unknownRoutes(prose, served, prefix)).toEqual(['DELETE /messages/{}', 'GET /api/v1/nowhere']);
    expect(tableRows('| 418 | `too_many_streams` † | a teapot |', 1).get('too_many_streams')).toBe('418');
  });
});
