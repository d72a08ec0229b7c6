/** The gateway's pino logger. Authorization headers, keys and secrets are redacted everywhere. */
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  '*.apiKey',
  '*.secret',
  '*.token',
  'apiKey',
  'secret',
  'key',
];

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}
