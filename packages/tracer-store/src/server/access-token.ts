import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const COOKIE = 'x_tracing_token';

/**
 * The server's token, as API clients and browsers present it: `Authorization: Bearer <token>`
 * (OTLP senders, scripts), or the cookie a browser got by opening any page once with
 * `?token=<token>` (a browser sends no header when it opens a page). Comparisons take the same
 * time whatever the guess.
 */
export class AccessToken {
  readonly #bearer: Buffer;
  readonly #token: Buffer;

  constructor(token: string) {
    this.#bearer = Buffer.from(`bearer ${token}`);
    this.#token = Buffer.from(token);
  }

  /** True when `req` carries the token in its Authorization header or its cookie. */
  admits(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    // The scheme is case-insensitive (RFC 9110); the token is not.
    if (same(Buffer.from(header.slice(0, 7).toLowerCase() + header.slice(7)), this.#bearer)) return true;
    const cookie = cookieValue(req.headers.cookie ?? '', COOKIE);
    return cookie !== undefined && same(Buffer.from(cookie), this.#token);
  }

  /**
   * A page opened with the right `?token=`: sets the cookie and redirects to the same address
   * without the token, so it leaves the address bar and history. False when the request carries no
   * such parameter or the wrong one.
   *
   * SameSite=Lax, not Strict: a shared link to a trace, followed from a chat or a tracker, must
   * open (Strict withholds the cookie on any navigation from another site). Lax still withholds it
   * from other sites' POSTs, and GET only reads here.
   */
  logIn(url: URL, res: ServerResponse): boolean {
    const given = url.searchParams.get('token');
    if (given === null || !same(Buffer.from(given), this.#token)) return false;
    url.searchParams.delete('token');
    res.writeHead(303, {
      'set-cookie': `${COOKIE}=${encodeURIComponent(given)}; HttpOnly; SameSite=Lax; Path=/`,
      location: `${url.pathname}${url.search}`,
    });
    res.end();
    return true;
  }
}

function same(a: Buffer, b: Buffer): boolean {
  // Same length first: timingSafeEqual needs it, and the length of a guess tells nothing useful.
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(value.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
