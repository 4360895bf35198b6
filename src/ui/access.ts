/**
 * Who may see the view. Jupyter's scheme: the daemon logs a URL carrying a random token; opening
 * it sets an HttpOnly, SameSite=Strict cookie and redirects to the bare page, so the token leaves
 * the address bar. Every other request needs that cookie or `Authorization: Bearer TOKEN`. The Host
 * header must name the listen address, a localhost name or an IP address, with the view's port: a
 * page on another site whose name is rebound to 127.0.0.1 (DNS rebinding) sends its own name and
 * is refused. (An IP literal can't be rebound: a page at http://IP:PORT/ is the view itself.)
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

export const COOKIE = 'conet_ui';

export type AccessVerdict =
  | { kind: 'allow' }
  | { kind: 'login'; location: string; cookie: string }
  | { kind: 'deny'; status: 401 | 403; message: string };

export interface AccessRequest {
  host: string | undefined;
  authorization: string | undefined;
  cookie: string | undefined;
  /** The request's path and query, as sent. */
  url: string;
}

export function newToken(): string {
  return randomBytes(24).toString('hex');
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Host header values allowed for a view bound to `host:port`. */
export function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]', host.includes(':') ? `[${host}]` : host]);
  return new Set([...names].map((name) => `${name}:${port}`));
}

function cookieValue(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return rest.join('=');
  }
  return undefined;
}

function hostAllowed(header: string, hosts: ReadonlySet<string>): boolean {
  const name = header.toLowerCase();
  if (hosts.has(name)) return true;
  const match = /^(\[[0-9a-f:.]+\]|[0-9.]+):(\d{1,5})$/.exec(name);
  const port = [...hosts][0]?.split(':').pop();
  return match !== null && isIP((match[1] ?? '').replace(/^\[|\]$/g, '')) !== 0 && match[2] === port;
}

export function checkAccess(request: AccessRequest, token: string, hosts: ReadonlySet<string>): AccessVerdict {
  if (!request.host || !hostAllowed(request.host, hosts)) {
    return { kind: 'deny', status: 403, message: `host ${JSON.stringify(request.host ?? '')} is not this view's address` };
  }
  const url = new URL(request.url, 'http://view.invalid');
  const queryToken = url.searchParams.get('token');
  if (queryToken !== null && sameToken(queryToken, token) && url.pathname === '/') {
    return { kind: 'login', location: '/', cookie: `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` };
  }
  const bearer = /^Bearer ([0-9a-f]+)$/.exec(request.authorization ?? '')?.[1];
  if (bearer !== undefined && sameToken(bearer, token)) return { kind: 'allow' };
  const cookie = cookieValue(request.cookie);
  if (cookie !== undefined && sameToken(cookie, token)) return { kind: 'allow' };
  return { kind: 'deny', status: 401, message: 'this view needs its token: open the URL the daemon logged (…/?token=…)' };
}
