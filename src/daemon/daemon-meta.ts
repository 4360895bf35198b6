/** Identities the daemon makes once and keeps in its store, so they never move across restarts. */
import { isUlaGlobalId, newUlaGlobalId } from '../ipam/index.js';
import { put, type Store } from '../store/index.js';
import { newId } from '../util/ids.js';

/** The daemon's ULA global id, made once and stored so its IPv6 pool never moves. */
export async function ulaGlobalId(store: Store): Promise<string> {
  const existing = await store.get<string>('meta', 'ula-global-id');
  if (isUlaGlobalId(existing)) return existing;
  const id = newUlaGlobalId();
  await store.commit([put('meta', 'ula-global-id', id)]);
  return id;
}

/** `docker info` shows it; its first 8 characters name this daemon's sandboxes. */
export async function daemonId(store: Store): Promise<string> {
  const existing = await store.get<string>('meta', 'daemon-id');
  if (existing) return existing;
  const id = newId();
  await store.commit([put('meta', 'daemon-id', id)]);
  return id;
}
