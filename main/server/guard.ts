// Who may talk to the server. Loopback binds refuse requests whose Host or Origin is not the
// loopback address they were sent to (a DNS-rebinding page would send its own name); any other
// bind requires the access token on every request (Authorization header, ?token= or the cookie
// the server sets when the page is opened with ?token=).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parseRequestUrl, safeDecodeURIComponent } from './request-url.ts';

export const TOKEN_COOKIE = 'diffgraph_token';
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The least guessing work an access token must demand (NIST SP 800-63B's 112 rounded up). */
export const MIN_TOKEN_BITS = 128;

/**
 * A rough upper bound on a token's entropy: its length times log2 of the alphabet implied by the
 * character classes it uses. "a" (4.7 bits) or "password" (37.6) fall far short; 22 base64url
 * characters (the server's own tokens are 32) reach 128.
 */
export function tokenBits(token: string): number {
  let alphabet = 0;
  if (/[a-z]/.test(token)) alphabet += 26;
  if (/[A-Z]/.test(token)) alphabet += 26;
  if (/[0-9]/.test(token)) alphabet += 10;
  if (/[^a-zA-Z0-9]/.test(token)) alphabet += 33;
  return new Set(token).size <= 1 ? 0 : token.length * Math.log2(Math.max(alphabet, 1));
}

/** Why a chosen access token is too weak, or null when it is strong enough. */
export function weakTokenProblem(token: string): string | null {
  const bits = tokenBits(token);
  if (bits >= MIN_TOKEN_BITS) return null;
  return `the access token is too weak (about ${Math.floor(bits)} bits, at least ${MIN_TOKEN_BITS} needed): use 22 or more random letters and digits, or leave DIFFGRAPH_TOKEN unset for a generated one`;
}

export interface GuardConfig {
  /** The address the server is bound to. */
  host: string;
  port: number;
  /** Required on every request when set. */
  token?: string;
}

export type GuardVerdict =
  | { ok: true; tokenFromQuery: boolean }
  | { ok: false; status: 401 | 403; message: string };

/** Split a Host header ("name:port", "[::1]:port") into its name and port. */
export function parseHostHeader(value: string): { name: string; port: number | null } | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value.trim());
  if (!match) return null;
  return { name: match[1].toLowerCase(), port: match[2] === undefined ? null : Number(match[2]) };
}

function isOwnLoopbackAuthority(value: string, port: number): boolean {
  const parsed = parseHostHeader(value);
  if (!parsed || !LOOPBACK_NAMES.has(parsed.name)) return false;
  return parsed.port === port || (parsed.port === null && port === 80);
}

/** The Origin header, when present, must name the same host the request was sent to. */
function originMatches(origin: string, hostHeader: string): boolean {
  try {
    const url = new URL(origin);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.host.toLowerCase() === hostHeader.toLowerCase()
    );
  } catch {
    return false;
  }
}

export function checkRequest(req: IncomingMessage, config: GuardConfig): GuardVerdict {
  const hostHeader = req.headers.host ?? '';
  if (isLoopbackHost(config.host) && !isOwnLoopbackAuthority(hostHeader, config.port)) {
    return {
      ok: false,
      status: 403,
      message: `refused: Host "${hostHeader}" is not this server's loopback address`,
    };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null' && !originMatches(origin, hostHeader)) {
    return { ok: false, status: 403, message: `refused: cross-origin request from ${origin}` };
  }
  if (origin === 'null') return { ok: false, status: 403, message: 'refused: request from an opaque origin' };
  // Browsers label requests made by other sites (an <img> or <script> pointing here, which carry
  // no Origin header); only following a link to the editor is allowed from elsewhere.
  const site = req.headers['sec-fetch-site'];
  if ((site === 'cross-site' || site === 'same-site') && req.headers['sec-fetch-mode'] !== 'navigate') {
    return { ok: false, status: 403, message: 'refused: request made by another site' };
  }
  if (config.token === undefined) return { ok: true, tokenFromQuery: false };
  const presented = presentedTokens(req);
  if (presented.header !== null || presented.cookie !== null || presented.query !== null) {
    const accepted = [presented.header, presented.cookie, presented.query].some(
      (candidate) => candidate !== null && tokensEqual(candidate, config.token as string),
    );
    if (accepted) return { ok: true, tokenFromQuery: presented.query !== null };
    return { ok: false, status: 401, message: 'refused: wrong access token' };
  }
  return {
    ok: false,
    status: 401,
    message: 'refused: this server needs its access token (open the URL it printed)',
  };
}

function presentedTokens(req: IncomingMessage): {
  header: string | null;
  cookie: string | null;
  query: string | null;
} {
  const auth = req.headers.authorization;
  const header = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : null;
  // A target that does not parse carries no query token (the caller answers 400 for it).
  const query = parseRequestUrl(req)?.searchParams.get('token') ?? null;
  return { header, cookie: readCookie(req.headers.cookie, TOKEN_COOKIE), query };
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    // A malformed escape ("%ZZ") is kept as sent: it then simply fails the comparison.
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      return safeDecodeURIComponent(raw) ?? raw;
    }
  }
  return null;
}

export function tokensEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Cookie set when the page is opened with a valid ?token=, so images and scripts carry it. */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}
