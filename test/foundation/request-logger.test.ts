/**
 * request.log is made on its first enabled call (server/request-logger.ts): what it writes must be
 * exactly what a pino child with the request's bindings writes, at whatever level the gateway runs.
 */
import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { createLogger } from '../../server/logger';
import { lazyRequestLogger } from '../../server/request-logger';
import { startTestGateway } from '../helpers/gateway';

function sinkLogger(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger(level, sink), lines };
}

describe('request loggers made on first use', () => {
  it('writes what an eager child writes, only at enabled levels, following the parent level', () => {
    const { log, lines } = sinkLogger('warn');
    const req = lazyRequestLogger(log, { reqId: 'req_1' }, {});
    req.info({ a: 1 }, 'not written');
    req.debug('not written either');
    expect(lines).toEqual([]);
    req.warn({ b: 2 }, 'written');
    expect(lines).toEqual([expect.objectContaining({ level: 40, reqId: 'req_1', b: 2, msg: 'written' })]);
    log.level = 'info'; // the parent's level applies until the request's logger has its own
    lazyRequestLogger(log, { reqId: 'req_2' }, {}).info('now written');
    expect(lines[1]).toEqual(expect.objectContaining({ level: 30, reqId: 'req_2', msg: 'now written' }));
    const child = req.child({ part: 'x' });
    child.error('from a child');
    expect(lines[2]).toEqual(expect.objectContaining({ level: 50, reqId: 'req_1', part: 'x', msg: 'from a child' }));
  });

  it('a request line at info still carries the request id the client got', async () => {
    const { log, lines } = sinkLogger('info');
    const gw = await startTestGateway({ log: log as unknown as FastifyBaseLogger });
    try {
      const res = await fetch(`${gw.url}/healthz`);
      const id = res.headers.get('x-request-id');
      expect(res.status).toBe(200);
      expect(lines).toContainEqual(expect.objectContaining({ level: 30, reqId: id, res: { statusCode: 200 } }));
    } finally {
      await gw.close();
    }
  });
});
