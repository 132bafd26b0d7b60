// Parsing what a client sent, without letting a malformed request throw: `new URL("http://[", base)`
// and `decodeURIComponent("%ZZ")` both throw, and an exception in an `upgrade` handler would end
// the whole server. Callers answer 400 when these return null.
import type { IncomingMessage } from 'node:http';

const PLACEHOLDER_BASE = 'http://placeholder';

/** The request target as a URL, or null when it cannot be parsed. */
export function parseRequestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', PLACEHOLDER_BASE);
  } catch {
    return null;
  }
}

/** decodeURIComponent that answers null for malformed escapes instead of throwing. */
export function safeDecodeURIComponent(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
