/**
 * The gateway's pino logger. Secrets never reach a log line: known fields (Authorization headers,
 * keys, secrets, tokens) are redacted by path, and as a second net every line is scrubbed of
 * anything that looks like an API key or a bearer credential before it is written.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'authorization',
  '*.authorization',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'key',
  '*.key',
];

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/oclaw_live_[0-9A-Za-z]+/g, 'oclaw_live_[redacted]'],
  [/(Bearer\s+)[\x21-\x7e]+/gi, '$1[redacted]'],
  // WhatsApp's webhook verification carries the verify token in the URL, which request logs show.
  [/(hub\.verify_token=)[^&\s"]+/g, '$1[redacted]'],
];

/** Replaces API keys and bearer credentials in a serialized log line. */
export function scrubSecrets(line: string): string {
  let out = line;
  for (const [re, by] of SECRET_PATTERNS) out = out.replace(re, by);
  return out;
}

/**
 * Where log lines go by default: at a terminal, pino-pretty (one short coloured line each);
 * otherwise (pipes, files, containers, log shippers) newline-delimited JSON. LOG_FORMAT=json or
 * pretty forces one.
 */
function defaultDestination(env: NodeJS.ProcessEnv = process.env): DestinationStream {
  const pretty = env.LOG_FORMAT ? env.LOG_FORMAT === 'pretty' : process.stdout.isTTY === true;
  if (!pretty) return pino.destination(1);
  // Loaded only at a terminal: JSON output never pays for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded synchronously, only at a terminal
  const prettyStream = require('pino-pretty') as typeof import('pino-pretty');
  return prettyStream({
    colorize: process.stdout.isTTY === true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,req,res,responseTime',
    sync: true,
  });
}

/** `destination` lets tests capture the output; default stdout (see defaultDestination). */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: { streamWrite: scrubSecrets },
    },
    destination ?? defaultDestination(),
  );
}
