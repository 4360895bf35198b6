/**
 * Start-up repair of the veths on conet's bridges, once the networks are reconciled (every bridge
 * exists again): a crash can leave a veth that no endpoint names (killed between the plug and the
 * endpoint's store write of a live connect) and an endpoint whose veth is gone (killed between the
 * unplug and the store delete of a disconnect). The first is deleted (its peer in the container
 * goes with it), the second plugged again exactly as stored. Only veths enslaved to a bridge of
 * one of our networks are looked at; anything else on the host is not ours.
 */
import type { LinkInfo, LinkPort } from '../../kernel/ports.js';
import type { Endpoint } from '../../model/network.js';
import type { EndpointService } from '../networks/endpoint-service.js';
import type { NetworkService } from '../networks/network-service.js';
import { logError } from '../../util/log-error.js';
import { createLogger, type Logger } from '../../util/logger.js';

export interface EndpointRepairDeps {
  networks: NetworkService;
  endpoints: EndpointService;
  links: LinkPort;
  interfaceOf(networkId: string): string;
  logger?: Logger;
}

export interface EndpointRepairReport {
  strayVeths: number;
  replugged: number;
}

export async function repairEndpoints(deps: EndpointRepairDeps): Promise<EndpointRepairReport> {
  const logger = deps.logger ?? createLogger('warn');
  const links = await deps.links.listLinks();
  const bridges = new Set(links.filter((link) => link.kind === 'bridge').map((link) => link.name));
  const ours = new Map<string, Endpoint[]>();
  for (const network of deps.networks.all()) {
    const bridge = deps.interfaceOf(network.id);
    if (bridge !== '' && bridges.has(bridge)) ours.set(bridge, deps.endpoints.endpointsOf(network.id));
  }
  const known = new Set([...ours.values()].flat().map((endpoint) => endpoint.hostIfname));
  const stray = links.filter((link) => isVethOn(link, ours) && !known.has(link.name));
  for (const link of stray) await deps.links.deleteLink(link.name).catch(logError(logger, 'warn', 'deleting a veth no endpoint names', { link: link.name }));
  const present = new Set(links.map((link) => link.name));
  const missing = [...ours.values()].flat().filter((endpoint) => !present.has(endpoint.hostIfname));
  for (const endpoint of missing) await deps.endpoints.replug(endpoint).catch(logError(logger, 'warn', 'plugging an endpoint whose veth is gone', { endpoint: endpoint.id }));
  return { strayVeths: stray.length, replugged: missing.length };
}

function isVethOn(link: LinkInfo, bridges: ReadonlyMap<string, unknown>): boolean {
  return link.kind === 'veth' && bridges.has(link.master);
}
