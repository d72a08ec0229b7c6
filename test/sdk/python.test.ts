/**
 * Runs the Python SDK's unittest suite (sdk/python/tests) against a live gateway on real Redis:
 * `python3 -m unittest discover -s sdk/python/tests`, standard library only. The harness gives
 * it the gateway URL and keys (admin, stats-only, rate limit 1), a second gateway that is still
 * starting (503), and the SDK field list with the live OpenAPI properties for the drift check.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESPONSE_FIELDS } from '../../sdk/typescript/src/index';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { propertiesOf } from './openapi';

const ROOT = join(__dirname, '..', '..');

function runPython(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-m', 'unittest', 'discover', '-s', 'sdk/python/tests', '-v'], {
      cwd: ROOT,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', OPENCLAW_TEST_HANG_DUMP: '140', ...env },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    // A hang fails with what Python printed so far instead of a bare jest timeout.
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('Python SDK (unittest) against the live gateway', () => {
  let gw: TestGateway;
  let starting: TestGateway;
  let dir: string;
  beforeAll(async () => {
    gw = await startTestGateway({ config: { webhooks: { retrySchedule: [10, 20, 40] } } });
    // A second gateway on the same Redis that has not finished starting: its API answers 503.
    starting = await startTestGateway({ flush: false, workers: false });
    starting.gateway.ctx.readiness.ready = false;
    dir = mkdtempSync(join(tmpdir(), 'openclaw-sdk-'));
  });
  afterAll(async () => {
    await starting.close();
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes every test, none skipped', async () => {
    const doc = (await gw.request('GET', '/api/v1/openapi.json', { key: null })).body;
    const fieldsFile = join(dir, 'fields.json');
    writeFileSync(
      fieldsFile,
      JSON.stringify(RESPONSE_FIELDS.map((spec) => ({ ...spec, openapi: propertiesOf(doc, spec) }))),
    );
    const { code, output } = await runPython({
      OPENCLAW_URL: gw.url,
      OPENCLAW_API_KEY: gw.adminKey,
      OPENCLAW_READONLY_KEY: await gw.createKey({ permissions: ['stats:read', 'sessions:read'] }),
      OPENCLAW_LIMITED_KEY: await gw.createKey({ rateLimit: 1 }),
      OPENCLAW_STARTING_URL: starting.url,
      OPENCLAW_FIELDS_FILE: fieldsFile,
    });
    if (code !== 0 || /skipped/i.test(output)) throw new Error(`python unittest failed (exit ${code}):\n${output}`);
    expect(output).toMatch(/\nOK\n?$/);
    if (process.env.SDK_TEST_VERBOSE) process.stderr.write(output);
  }, 180_000);
});
