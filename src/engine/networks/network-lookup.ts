import { invalid, notFound } from '../../errors/index.js';
import type { Network } from '../../model/network.js';

/**
 * Docker's lookup order for a network reference: full id, then exact name, then unique id
 * prefix. An ambiguous prefix is an error, never a guess.
 */
export function findNetwork(networks: Iterable<Network>, reference: string): Network | undefined {
  const all = [...networks];
  const byId = all.find((network) => network.id === reference);
  if (byId) return byId;
  const byName = all.find((network) => network.name === reference);
  if (byName) return byName;
  if (reference === '' || !/^[0-9a-f]+$/.test(reference)) return undefined;
  const byPrefix = all.filter((network) => network.id.startsWith(reference));
  if (byPrefix.length > 1) {
    throw invalid('network-ambiguous', `network ${reference} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
  }
  return byPrefix[0];
}

export function getNetwork(networks: Iterable<Network>, reference: string): Network {
  const network = findNetwork(networks, reference);
  if (!network) throw notFound('network-not-found', `network ${reference} not found`);
  return network;
}
