/**
 * The published shape of @openclaw/api-client: build it (ESM + CJS + .d.ts), install it by name
 * into a scratch node_modules, type-check the contract's TypeScript snippet exactly as printed
 * against the built types, and run it (ESM) against a live gateway; the contract's error handler
 * (JS) against a rate-limited key; `require()` from CommonJS; node:crypto imported by crypto.js
 * only, which the `browser` field swaps out, so a browser bundle has no Node import.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createContext, runInContext } from 'node:vm';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const ROOT = join(__dirname, '..', '..');
const SDK = join(ROOT, 'sdk', 'typescript');

/** The contract's "Node.js / TypeScript" snippet, verbatim. */
const CONTRACT_SNIPPET = `import { OpenClaw } from '@openclaw/api-client';

const client = new OpenClaw({
  baseUrl: process.env.OPENCLAW_URL ?? 'http://localhost:3000',
  apiKey: process.env.OPENCLAW_API_KEY!
});

// Send a message
const response = await client.messages.send({
  workspace: 'team',
  userId: 'my-app',
  message: 'What is the status of our deployment?'
});
console.log(response.response);

// Stream a response
process.stdout.write('Response: ');
for await (const token of client.messages.stream({
  workspace: 'team',
  userId: 'my-app',
  message: 'Write a comprehensive deployment checklist'
})) {
  process.stdout.write(token);
}

// Get stats
const stats = await client.stats.get({ from: '2026-04-01', to: '2026-04-30' });
console.log('Total messages this month:', stats.totals.messages);
`;

/**
 * The contract's error handling, with the elided send parameters filled in. Retries off: by
 * default the SDK itself waits out a rate-limit reset within maxRetryWaitMs.
 */
const CONTRACT_ERRORS = `import { OpenClaw } from '@openclaw/api-client';
const client = new OpenClaw({ baseUrl: process.env.OPENCLAW_URL, apiKey: process.env.OPENCLAW_API_KEY, maxRetries: 0 });
for (let i = 0; i < 2; i++) {
try {
  const response = await client.messages.send({ workspace: 'team', userId: 'limited', message: 'hi' });
} catch (error) {
  if (error.status === 429) {
    // Rate limited — wait until reset
    const resetAt = new Date(error.headers['x-ratelimit-reset'] * 1000);
    console.log(\`Rate limited. Retry after \${resetAt}\`);
  } else if (error.status === 503) {
    // Gateway temporarily unavailable
    console.log('OpenClaw is starting up, retry in a few seconds');
  } else {
    throw error;
  }
}
}
`;

function run(
  file: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000); // a hang fails with the output so far
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Loads the CJS build in a fresh V8 context that has only what browsers have (fetch, Web Crypto,
 * TextEncoder/Decoder, AbortController, URL, timers …): no process, Buffer, or Node modules.
 * `require` resolves the package's own relative files only, swapped as the package.json
 * `browser` field says (as bundlers do for a browser build).
 */
function loadInBrowserLikeContext(entry: string): any {
  const browserMap: Record<string, string> = JSON.parse(readFileSync(join(SDK, 'package.json'), 'utf8')).browser ?? {};
  const swap = (file: string) => {
    const to = browserMap[`./${relative(SDK, file)}`];
    return to ? join(SDK, to) : file;
  };
  const g = globalThis as any;
  const names = [
    'fetch',
    'Request',
    'Response',
    'Headers',
    'crypto',
    'TextEncoder',
    'TextDecoder',
    'AbortController',
    'AbortSignal',
    'URL',
    'URLSearchParams',
    'ReadableStream',
    'setTimeout',
    'clearTimeout',
    'console',
  ];
  const context = createContext(Object.fromEntries(names.map((n) => [n, g[n]])));
  const cache = new Map<string, any>();
  const load = (file: string): any => {
    if (cache.has(file)) return cache.get(file).exports;
    const module = { exports: {} as any };
    cache.set(file, module);
    const fn = runInContext(`(function (exports, require, module) {${readFileSync(file, 'utf8')}\n})`, context, {
      filename: file,
    });
    const req = (spec: string) => {
      if (!spec.startsWith('.')) throw new Error(`the SDK required '${spec}', which a browser does not have`);
      return load(swap(join(file, '..', spec.endsWith('.js') ? spec : `${spec}.js`)));
    };
    fn(module.exports, req, module);
    return module.exports;
  };
  return load(entry);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('@openclaw/api-client as a package', () => {
  let gw: TestGateway;
  let app: string;
  beforeAll(async () => {
    execFileSync(process.execPath, [join(SDK, 'scripts', 'build.mjs')], { stdio: 'pipe' });
    app = mkdtempSync(join(tmpdir(), 'openclaw-sdk-app-'));
    mkdirSync(join(app, 'node_modules', '@openclaw'), { recursive: true });
    symlinkSync(SDK, join(app, 'node_modules', '@openclaw', 'api-client'), 'dir');
    gw = await startTestGateway();
    await gw.request('POST', '/api/v1/workspaces', { body: { id: 'team' } });
  }, 60_000);
  afterAll(async () => {
    await gw.close();
    rmSync(app, { recursive: true, force: true });
  });

  it('builds ESM and CJS with declarations, and no Node-only imports', () => {
    const esm = filesUnder(join(SDK, 'dist', 'esm'));
    const cjs = filesUnder(join(SDK, 'dist', 'cjs'));
    for (const [dir, files] of [
      ['esm', esm],
      ['cjs', cjs],
    ] as const) {
      const names = files.map((f) => relative(join(SDK, 'dist', dir), f));
      expect(names).toEqual(
        expect.arrayContaining([
          'index.js',
          'index.d.ts',
          'client.d.ts',
          'stream.d.ts',
          'types.d.ts',
          'resources/messages.d.ts',
        ]),
      );
    }
    expect(JSON.parse(readFileSync(join(SDK, 'dist', 'esm', 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    expect(JSON.parse(readFileSync(join(SDK, 'dist', 'cjs', 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    for (const file of [...esm, ...cjs].filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, ''); // TSDoc examples import the package by name
      // Only relative imports (zero runtime dependencies); node:crypto in crypto.js alone.
      const specifiers = [...code.matchAll(/(?:from\s+|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
      const external = specifiers.filter((s) => !s.startsWith('./') && !s.startsWith('../'));
      expect(external).toEqual(file.endsWith('/crypto.js') ? ['node:crypto'] : []);
    }
    const pkg = JSON.parse(readFileSync(join(SDK, 'package.json'), 'utf8'));
    // Bundlers building for browsers swap crypto.js for a stand-in without Node imports.
    expect(pkg.browser).toEqual({
      './dist/esm/crypto.js': './dist/esm/crypto.browser.js',
      './dist/cjs/crypto.js': './dist/cjs/crypto.browser.js',
    });
    for (const to of Object.values(pkg.browser as Record<string, string>))
      expect(readFileSync(join(SDK, to), 'utf8')).not.toMatch(/require\(|from '/);
    expect(pkg.name).toBe('@openclaw/api-client');
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it("type-checks the contract's snippet as printed against the built types", () => {
    const file = join(app, 'contract.ts');
    writeFileSync(file, CONTRACT_SNIPPET);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ type: 'module' }));
    const program = ts.createProgram([file], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.asynciterable.d.ts'],
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules', '@types')],
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });

  it("runs the contract's snippet (ESM build) against the live gateway", async () => {
    const js = ts.transpileModule(CONTRACT_SNIPPET, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    }).outputText;
    writeFileSync(join(app, 'contract.mjs'), js);
    const { code, stdout, stderr } = await run('contract.mjs', app, {
      OPENCLAW_URL: gw.url,
      OPENCLAW_API_KEY: gw.adminKey,
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [answer, rest] = [stdout.slice(0, stdout.indexOf('\n')), stdout.slice(stdout.indexOf('\n') + 1)];
    expect(answer.length).toBeGreaterThan(0);
    expect(rest).toMatch(/^Response: .+Total messages this month: 0\n$/s);
    // What was streamed is the answer the gateway stored.
    const sessions = (await gw.request('GET', '/api/v1/sessions?workspace=team&userId=my-app')).body;
    const history = (await gw.request('GET', `/api/v1/sessions/${sessions.data[0].id}/history?limit=1`)).body;
    expect(rest).toBe(`Response: ${history.data[0].content}Total messages this month: 0\n`);
  });

  it("runs the contract's error handler against a rate-limited key", async () => {
    writeFileSync(join(app, 'errors.mjs'), CONTRACT_ERRORS);
    const { code, stdout, stderr } = await run('errors.mjs', app, {
      OPENCLAW_URL: gw.url,
      OPENCLAW_API_KEY: await gw.createKey({ rateLimit: 1 }),
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Rate limited\. Retry after \w{3} \w{3} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT/);
    expect(stdout).not.toContain('Invalid Date');
  });

  it('works with only browser globals (no process, Buffer or Node modules)', async () => {
    const sdk = loadInBrowserLikeContext(join(SDK, 'dist', 'cjs', 'index.js'));
    const client = new sdk.OpenClaw({ baseUrl: gw.url, apiKey: gw.adminKey });
    expect((await client.workspaces.get('team')).id).toBe('team');
    let text = '';
    for await (const token of client.messages.stream({
      workspace: 'team',
      userId: 'browser',
      message: 'hello from a browser',
    }))
      text += token;
    expect(text.length).toBeGreaterThan(0);
    const err = await new sdk.OpenClaw({ baseUrl: gw.url, apiKey: 'oclaw_live_wrong' })
      .health()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AuthenticationError', status: 401, code: 'invalid_api_key' });
    expect(err).toBeInstanceOf(sdk.OpenClawError);
    // A browser holds no webhook secret: verification says so instead of pretending.
    const sig = `sha256=${createHmac('sha256', 'secret').update('{"a":1}').digest('hex')}`;
    expect(() => sdk.verifyWebhook('{"a":1}', sig, 'secret')).toThrow(/node:crypto.*Verify deliveries on your server/);
  });

  it('loads from CommonJS with require()', async () => {
    writeFileSync(
      join(app, 'cjs.cjs'),
      `const { OpenClaw, OpenClawError, verifyWebhook } = require('@openclaw/api-client');
       const client = new OpenClaw({ baseUrl: process.env.OPENCLAW_URL, apiKey: process.env.OPENCLAW_API_KEY });
       client.workspaces.get('team').then((w) => {
         const ok = verifyWebhook('{}', 'sha256=' + require('node:crypto').createHmac('sha256', 's').update('{}').digest('hex'), 's');
         console.log(w.id, typeof OpenClawError, ok);
       });`,
    );
    const { code, stdout, stderr } = await run('cjs.cjs', app, { OPENCLAW_URL: gw.url, OPENCLAW_API_KEY: gw.adminKey });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe('team function true\n');
  });
});
