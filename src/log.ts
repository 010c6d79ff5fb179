// Structured logs (pino). Every line about an order carries its orderId; no
// content, credentials or key material is ever logged.
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export function createLogger(opts: { level?: string; name?: string; destination?: number } = {}): Logger {
  return pino(
    { name: opts.name ?? 'shredproof', level: opts.level ?? process.env.LOG_LEVEL ?? 'info', redact: ['*.password', '*.secret', '*.token'] },
    pino.destination(opts.destination ?? 2),
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A URL as logs and messages may show it: without user name or password (`unparseable` when it is no URL). */
export function withoutCredentials(url: string, unparseable: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return unparseable;
  }
}
