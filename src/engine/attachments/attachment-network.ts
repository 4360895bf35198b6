/**
 * The network a CNI configuration names: found by name, or created from the configuration the
 * first time (so a conflist is all a runtime needs). An existing network of another driver is a
 * configuration error; otherwise the existing network wins (its subnet was decided when it was
 * made, as a Docker network's is).
 */
import { invalid } from '../../errors/index.js';
import type { Network } from '../../model/network.js';
import type { CreateNetworkRequest } from '../networks/network-request.js';
import type { AttachmentNetworkSpec } from './attachment.js';

export interface NetworkCatalog {
  all(): Network[];
  create(request: CreateNetworkRequest): Promise<{ id: string; warning: string }>;
}

const MASQUERADE = 'com.docker.network.bridge.enable_ip_masquerade';

export function createRequest(spec: AttachmentNetworkSpec): CreateNetworkRequest {
  const options = { ...spec.options };
  if (spec.driver === 'bridge' && !spec.masquerade) options[MASQUERADE] = 'false';
  const pool = spec.subnet === undefined ? [] : [{ subnet: spec.subnet, ...(spec.gateway ? { gateway: spec.gateway } : {}), ...(spec.ipRange ? { ipRange: spec.ipRange } : {}) }];
  return {
    name: spec.name,
    driver: spec.driver,
    internal: spec.internal,
    attachable: true,
    ingress: false,
    enableIPv6: spec.subnet?.includes(':') ?? false,
    ...(spec.subnet?.includes(':') ? { enableIPv4: false } : {}),
    configOnly: false,
    configFrom: '',
    scope: 'local',
    ipam: { driver: 'default', options: {}, configs: pool },
    options,
    labels: { 'dev.conet.cni': 'true' },
  };
}

/** The network named by the spec, made now when there is none. */
export async function ensureNetwork(catalog: NetworkCatalog, spec: AttachmentNetworkSpec): Promise<Network> {
  const found = catalog.all().find((network) => network.name === spec.name);
  if (found) {
    if (found.driver !== spec.driver) {
      throw invalid('cni-network-driver', `network ${spec.name} exists with driver ${found.driver}, not ${spec.driver}`);
    }
    return found;
  }
  const { id } = await catalog.create(createRequest(spec)).catch(async (error: unknown) => {
    // Two ADDs racing to make the network: the loser uses the winner's.
    const raced = catalog.all().find((network) => network.name === spec.name);
    if (raced) return { id: raced.id };
    throw error;
  });
  const made = catalog.all().find((network) => network.id === id);
  if (!made) throw invalid('cni-network', `network ${spec.name} vanished while being created`);
  return made;
}
