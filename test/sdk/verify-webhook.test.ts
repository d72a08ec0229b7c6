/**
 * The TS SDK's verifyWebhook is synchronous (a boolean, never a Promise, so the contract's
 * `if (!verifyWebhook(…))` rejects forgeries), on node:crypto's HMAC and timingSafeEqual: an
 * RFC 4231 vector, equality with createHmac on random bytes and UTF-8 strings, every body type,
 * malformed signatures, and the contract's Express handler as printed
 * (from test/webhooks/contract-receiver.js: type-checked against the SDK's types, and run against
 * forged and genuine requests).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import ts from 'typescript';
import { signWebhook, verifyWebhook } from '../../sdk/typescript/src/index';

const nodeSignature = (body: string | Uint8Array, secret: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A string of `count` random code points: ASCII, 2-, 3- and 4-byte UTF-8 (astral, i.e. surrogate pairs). */
function randomText(count: number): string {
  const ranges: Array<[number, number]> = [
    [0x20, 0x7e],
    [0x80, 0x7ff],
    [0x800, 0xd7ff],
    [0xe000, 0xfffd],
    [0x10000, 0x10ffff],
  ];
  let text = '';
  for (let i = 0; i < count; i++) {
    const [low, high] = ranges[randomBytes(1)[0] % ranges.length];
    text += String.fromCodePoint(low + (randomBytes(4).readUInt32BE(0) % (high - low + 1)));
  }
  return text;
}

describe('HMAC-SHA256 of the TypeScript SDK (node:crypto)', () => {
  it('RFC 4231 case 2 through signWebhook and verifyWebhook (string key and body)', () => {
    const signature = 'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    expect(signWebhook('what do ya want for nothing?', 'Jefe')).toBe(signature);
    expect(verifyWebhook('what do ya want for nothing?', signature, 'Jefe')).toBe(true);
  });

  it('ships no SHA-256 of its own: hmac-sha256.ts is gone and crypto.ts imports node:crypto', () => {
    const src = join(__dirname, '..', '..', 'sdk', 'typescript', 'src');
    expect(existsSync(join(src, 'hmac-sha256.ts'))).toBe(false);
    expect(readFileSync(join(src, 'crypto.ts'), 'utf8')).toMatch(/from 'node:crypto'/);
  });
});

describe('verifyWebhook (synchronous)', () => {
  const body = '{"event":"message.sent","data":{"response":"héllo → 🌍"}}';
  const secret = 's3cret-ключ';
  const signature = nodeSignature(body, secret);

  it("returns a boolean, never a Promise, so the contract's `if (!verifyWebhook(…))` rejects forgeries", () => {
    const forged = `sha256=${'0'.repeat(64)}`;
    expect(verifyWebhook(body, forged, secret)).toBe(false);
    expect(verifyWebhook(body, signature, secret)).toBe(true);
    let accepted = 0;
    if (!verifyWebhook(body, forged, secret)) accepted--;
    else accepted++;
    expect(accepted).toBe(-1);
    expect(typeof signWebhook(body, secret)).toBe('string');
  });

  it('equals node:crypto on random UTF-8 strings and bytes of 0..300 (strings UTF-8 encoded)', () => {
    for (let length = 0; length <= 300; length++) {
      const text = randomText(length);
      const key = randomText(1 + (length % 80));
      const textSignature = nodeSignature(text, key);
      expect(signWebhook(text, key)).toBe(textSignature);
      expect(verifyWebhook(text, textSignature, key)).toBe(true);
      expect(verifyWebhook(Buffer.from(text, 'utf8'), textSignature, key)).toBe(true);

      const raw = randomBytes(length);
      const rawSignature = nodeSignature(raw, key);
      expect(signWebhook(raw, key)).toBe(rawSignature);
      expect(verifyWebhook(raw, rawSignature, key)).toBe(true);
      if (length > 0) {
        const tampered = Buffer.from(raw);
        tampered[length - 1] ^= 1;
        expect(verifyWebhook(tampered, rawSignature, key)).toBe(false);
      }
    }
  });

  it('accepts a string, Buffer, Uint8Array, a view at an offset, an ArrayBuffer and other views of the same bytes', () => {
    const utf8 = Buffer.from(body, 'utf8');
    const inLargerBuffer = Buffer.concat([Buffer.from('xxxx'), utf8, Buffer.from('yy')]).subarray(4, 4 + utf8.length);
    const arrayBuffer = new Uint8Array(utf8).buffer;
    for (const raw of [body, utf8, new Uint8Array(utf8), inLargerBuffer, arrayBuffer, new DataView(arrayBuffer)]) {
      expect(verifyWebhook(raw as ArrayBuffer, signature, secret)).toBe(true);
      expect(signWebhook(raw as ArrayBuffer, secret)).toBe(signature);
    }
  });

  it('header forms: the first of an array, upper-case hex, surrounding spaces', () => {
    expect(verifyWebhook(body, [signature, 'sha256=00'], secret)).toBe(true);
    expect(verifyWebhook(body, `sha256=${signature.slice(7).toUpperCase()}`, secret)).toBe(true);
    expect(verifyWebhook(body, `${signature} `, secret)).toBe(true);
  });

  it('returns false, without throwing, for missing or malformed signatures, secrets and bodies', () => {
    const mac = signature.slice(7);
    const malformed: unknown[] = [
      undefined,
      null,
      '',
      'sha256=',
      mac,
      `sha1=${mac}`,
      `SHA256=${mac}`,
      `sha256:${mac}`,
      ` sha256=${mac}`,
      `sha256=${mac.slice(1)}`,
      `sha256=${mac}0`,
      `sha256=${mac.slice(2)}`,
      `sha256=${mac.slice(0, 62)}zz`,
      `sha256=${mac.slice(0, 62)} 0`,
      `sha256=${mac}${mac}`,
      `sha256=0x${mac.slice(2)}`,
      [],
      [undefined],
      ['sha256=abc', signature],
      42,
      {},
    ];
    for (const header of malformed) expect(verifyWebhook(body, header as string, secret)).toBe(false);
    for (const badSecret of [undefined, null, '', 'other', `${secret} `, 42, {}])
      expect(verifyWebhook(body, signature, badSecret as string)).toBe(false);
    // A body parsed by express.json() (or express.raw() with no body: {}) is not the raw bytes.
    for (const notRaw of [JSON.parse(body), {}, null, undefined, 42, [1, 2]])
      expect(verifyWebhook(notRaw, signature, secret)).toBe(false);
    expect(verifyWebhook(`${body} `, signature, secret)).toBe(false);
    expect(() => signWebhook({} as string, secret)).toThrow(TypeError);
  });
});

describe("the contract's Express handler with the SDK's verifyWebhook", () => {
  // "Verifying Webhook Signatures": the Express handler exactly as printed, taken from the contract's
  // code kept verbatim in test/webhooks/contract-receiver.js, now calling the SDK's verifyWebhook.
  const contractCode = readFileSync(join(__dirname, '..', 'webhooks', 'contract-receiver.js'), 'utf8');
  const HANDLER = contractCode.slice(
    contractCode.indexOf('// Express.js handler'),
    contractCode.indexOf('  // ---- end of contract code ----'),
  );

  it("is the contract's synchronous check", () => {
    expect(HANDLER).toMatch(
      /^\/\/ Express\.js handler\n[^]*\nif \(!verifyWebhook\(req\.body, sig, process\.env\.WEBHOOK_SECRET\)\) \{\n[^]*\n\}\);\n$/,
    );
  });

  it('type-checks as printed (process.env secret, Express header type) and gives a boolean', () => {
    const source = `import express from 'express';
import { verifyWebhook } from '../../sdk/typescript/src/index';
const app = express();
${HANDLER}
const verified: boolean = verifyWebhook(new Uint8Array(0), undefined, process.env.WEBHOOK_SECRET);
`;
    const file = join(__dirname, 'contract-webhook-handler.ts'); // virtual: served by the host below
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      esModuleInterop: true,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [join(__dirname, '..', '..', 'node_modules', '@types')],
    };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const readFile = host.readFile.bind(host);
    host.fileExists = (name) => name === file || fileExists(name);
    host.readFile = (name) => (name === file ? source : readFile(name));
    host.getSourceFile = (name, version, ...rest) =>
      name === file ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest);
    const program = ts.createProgram([file], options, host);
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });

  it('rejects forged, unsigned and wrongly keyed requests (401) and accepts a genuine one (200)', async () => {
    const WEBHOOK_SECRET = 'whsec-contract-0123456789';
    const logged: unknown[][] = [];
    const app = express();
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- runs the README's handler text as written, which is what this test checks
    const mount = new Function('app', 'express', 'process', 'console', 'verifyWebhook', HANDLER);
    mount(app, express, { env: { WEBHOOK_SECRET } }, { log: (...args: unknown[]) => logged.push(args) }, verifyWebhook);
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/openclaw-events`;
      const payload = JSON.stringify({
        event: 'message.sent',
        timestamp: '2026-04-01T00:00:00.000Z',
        data: { response: 'ünïcödé ✓' },
      });
      const post = async (headers: Record<string, string>) => {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: payload,
        });
        return { status: res.status, text: await res.text() };
      };
      expect(await post({})).toEqual({ status: 401, text: 'Invalid signature' });
      expect(await post({ 'x-openclaw-signature': `sha256=${'ab'.repeat(32)}` })).toEqual({
        status: 401,
        text: 'Invalid signature',
      });
      expect(await post({ 'x-openclaw-signature': nodeSignature(payload, 'a-guessed-secret') })).toEqual({
        status: 401,
        text: 'Invalid signature',
      });
      expect(await post({ 'x-openclaw-signature': nodeSignature(`${payload} `, WEBHOOK_SECRET) })).toEqual({
        status: 401,
        text: 'Invalid signature',
      });
      expect(logged).toEqual([]);
      expect(await post({ 'x-openclaw-signature': nodeSignature(payload, WEBHOOK_SECRET) })).toEqual({
        status: 200,
        text: 'OK',
      });
      expect(logged).toEqual([['Event:', 'message.sent', { response: 'ünïcödé ✓' }]]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
