/**
 * Registry credentials as clients send them. `X-Registry-Auth`: base64url (standard base64 too, as
 * moby's decoder falls back to it) of a JSON object with `username`/`password` (or `auth`, base64 of
 * "user:pass"), `identitytoken`, `serveraddress`, `email`; `POST /auth`'s body is the same object.
 * Decoded strictly: bounded size, every known field a string, an object at the top; anything else
 * is a 400 naming the header. Empty, `{}` or "e30=" mean anonymous. Unknown fields are ignored,
 * as Go's decoder does.
 */
import { invalid } from '../../errors/index.js';
import type { LoginRequest, RegistryAuth } from '../../model/registry.js';

const MAX_HEADER = 16 * 1024;
const MAX_FIELD = 8 * 1024;
const FIELDS = ['username', 'password', 'auth', 'email', 'serveraddress', 'identitytoken', 'registrytoken'] as const;
type Fields = Partial<Record<(typeof FIELDS)[number], string>>;

const bad = (what: string, detail: string): Error => invalid('registry-auth', `invalid ${what}: ${detail}`);

function fields(value: unknown, what: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(what, 'expected a JSON object');
  const record = value as Record<string, unknown>;
  const out: Fields = {};
  for (const key of FIELDS) {
    const field = record[key];
    if (field === undefined || field === null) continue;
    if (typeof field !== 'string' || field.length > MAX_FIELD) throw bad(what, `${key} must be a string of at most ${MAX_FIELD} characters`);
    out[key] = field;
  }
  return out;
}

/** `auth` is base64("user:pass"), the form of the CLI's config file. */
function splitAuth(auth: string, what: string): { username: string; password: string } {
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) throw bad(what, 'auth must be base64 of "username:password"');
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

function toAuth(decoded: Fields, what: string): RegistryAuth | undefined {
  const fromAuth = decoded.auth && !decoded.username ? splitAuth(decoded.auth, what) : undefined;
  const username = decoded.username || fromAuth?.username;
  const password = decoded.password ?? fromAuth?.password;
  const identityToken = decoded.identitytoken || undefined;
  if (username === undefined && identityToken === undefined) return undefined;
  return {
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(identityToken !== undefined ? { identityToken } : {}),
    ...(decoded.serveraddress ? { serverAddress: decoded.serveraddress } : {}),
  };
}

/** The X-Registry-Auth header: undefined for none or anonymous. */
export function decodeRegistryAuth(header: string | string[] | undefined): RegistryAuth | undefined {
  const what = 'X-Registry-Auth header';
  if (header === undefined || header === '') return undefined;
  if (Array.isArray(header) || header.length > MAX_HEADER) throw bad(what, 'one header of at most 16 KiB');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(header)) throw bad(what, 'not base64');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(header.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
  } catch {
    throw bad(what, 'not base64 of a JSON object');
  }
  return toAuth(fields(value, what), what);
}

/** `POST /auth`'s body: a username and password are needed (token logins are not supported). */
export function decodeLogin(body: unknown): LoginRequest {
  const what = 'login request';
  const decoded = fields(body, what);
  const auth = toAuth(decoded, what);
  if (!auth?.username || auth.password === undefined) throw bad(what, 'username and password are required');
  return { username: auth.username, password: auth.password, serverAddress: decoded.serveraddress ?? '' };
}
