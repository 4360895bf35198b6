/**
 * The engine's start-up, in the one order that works: load the saved state, adopt the containers
 * still running under their monitors (and tidy what died meanwhile), add or update the predefined
 * networks, let each driver reconcile the kernel, repair the veths of adopted containers, start
 * collecting stale cluster claims, give adopted containers their resolver back (listeners in their
 * namespaces), load the images, then start the containers their restart policies bring back.
 * The daemon serves the API only after this returns.
 */
import { adoptDns, type DnsResolverInfo } from './startup-dns.js';
import { recoverContainers, type RecoveryDeps } from './containers/container-recovery.js';
import { repairEndpoints, type EndpointRepairDeps } from './containers/endpoint-repair.js';
import { predefinedNetworks, type DefaultBridgeConfig } from './networks/predefined.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../util/logger.js';

export interface StartupDeps extends RecoveryDeps, EndpointRepairDeps {
  store: Store;
  dns: DnsResolverInfo;
  images: { start(): Promise<void> };
  /** The default bridge as configured (the predefined `bridge` network follows it). */
  defaultBridge: DefaultBridgeConfig;
  /** Cluster mode: releases claims of endpoints this node no longer has. */
  cluster?: { startCollector(isLocal: (endpointId: string) => boolean): void };
  logger: Logger;
}

export async function startEngine(deps: StartupDeps): Promise<void> {
  const { networks, endpoints, containers, logger } = deps;
  await networks.load();
  await endpoints.load();
  await containers.load();
  const recovery = await recoverContainers(deps);
  logger.info('recovered containers', { adopted: recovery.adopted.length, exited: recovery.exited.length, strayEndpoints: recovery.strayEndpoints, straySandboxes: recovery.straySandboxes, strayDirectories: recovery.strayDirectories });
  await definePredefined(deps);
  const started = performance.now();
  await networks.reconcile();
  const repaired = await repairEndpoints(deps);
  logger.info('reconciled kernel state', { networks: networks.all().length, ...repaired, ms: Math.round(performance.now() - started) });
  deps.cluster?.startCollector((endpointId) => endpoints.hasEndpoint(endpointId));
  await adoptDns(deps, recovery.adopted);
  for (const containerId of recovery.adopted) containers.adopt(containerId);
  await deps.images.start();
  // Docker's restore: what the restart policies bring back (a host reboot is a daemon start);
  // after the images, whose layers a start mounts.
  const restarted = await containers.startByPolicy();
  if (restarted.length > 0) logger.info('started containers by their restart policy', { containers: restarted.length });
}

async function definePredefined(deps: StartupDeps): Promise<void> {
  for (const network of predefinedNetworks(deps.defaultBridge)) {
    const outcome = await deps.networks.definePredefined(network);
    if (outcome === 'updated') deps.logger.info('predefined network follows the configuration', { network: network.name });
    if (outcome === 'kept') deps.logger.warn('predefined network differs from the configuration but has containers: kept as it is until they are gone', { network: network.name });
  }
}
