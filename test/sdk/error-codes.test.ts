/**
 * The SDKs know every code of the gateway's error catalogue with its status, so an `error` event
 * in a stream (`shutting_down`, `worker_failed`, …) raises the same error class as the same
 * failure in an ordinary reply. Their tables are generated (scripts/gen-error-codes.mjs); this
 * holds them to the catalogue.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ERROR_CODES } from '../../server/errors';
import { ERROR_CODE_STATUS, InternalServerError, NotFoundError } from '../../sdk/typescript/src/index';
import { makeError, statusOfCode } from '../../sdk/typescript/src/errors';

const ROOT = join(__dirname, '..', '..');
const catalogue = Object.fromEntries(Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]));

describe('SDK error codes', () => {
  it('the TypeScript SDK has every catalogue code with its status, and nothing else', () => {
    expect(ERROR_CODE_STATUS).toEqual(catalogue);
  });

  it('the Python SDK has every catalogue code with its status, and nothing else', () => {
    const out = execFileSync(
      'python3',
      ['-c', 'import json, openclaw; print(json.dumps(openclaw.ERROR_CODE_STATUS))'],
      {
        cwd: ROOT,
        env: { ...process.env, PYTHONPATH: join(ROOT, 'sdk', 'python', 'src'), PYTHONDONTWRITEBYTECODE: '1' },
      },
    ).toString();
    expect(JSON.parse(out)).toEqual(catalogue);
  });

  it('a failure code from a stream maps to the status (and class) of the same error as a reply', () => {
    expect(statusOfCode('shutting_down')).toBe(503);
    expect(statusOfCode('timeout')).toBe(504);
    expect(makeError({ status: statusOfCode('worker_failed'), code: 'worker_failed', message: 'x' })).toBeInstanceOf(
      InternalServerError,
    );
    expect(makeError({ status: statusOfCode('not_found'), code: 'not_found', message: 'x' })).toBeInstanceOf(
      NotFoundError,
    );
    expect(statusOfCode('a_code_from_a_newer_gateway')).toBe(500);
  });

  it('the committed tables are what the generator writes from the built catalogue', () => {
    expect(spawnSync(process.execPath, ['scripts/gen-error-codes.mjs', '--check'], { cwd: ROOT }).status).toBe(0);
  });
});
