/** What the engine's start-up needs, from the wired engine, the runtime and the configuration. */
import type { StartupDeps } from '../engine/startup.js';
import type { Store } from '../store/index.js';
import { logError } from '../util/log-error.js';
import type { Logger } from '../util/logger.js';
import type { ClusterMode } from './cluster-mode.js';
import type { DaemonConfig } from './config.js';
import type { Engine } from './wire-engine.js';
import type { LinuxAdapters } from './wire-kernel.js';

export interface StartupWiring {
  config: DaemonConfig;
  engine: Engine;
  store: Store;
  linux: LinuxAdapters;
  clusterMode?: ClusterMode;
  daemonShortId: string;
  logger: Logger;
}

export function startupDeps({ config, engine, store, linux, clusterMode, daemonShortId, logger }: StartupWiring): StartupDeps {
  const { networks, runtime } = engine;
  return {
    networks,
    endpoints: engine.endpoints,
    containers: engine.containers,
    store,
    sandboxes: linux.kernel.sandboxes,
    links: linux.kernel.links,
    daemonShortId,
    // A paused container is alive too (frozen): adopted as it is, never cleaned up.
    isRunning: async (containerId) => ['running', 'paused'].includes((await runtime.runc.state(containerId).catch(logError(logger, 'warn', 'runc state failed: taken as not running', { id: containerId })))?.status ?? ''),
    exitCode: (containerId) => runtime.exits.read(containerId),
    interfaceOf: (networkId) => engine.interfaceOf(networks.inspect(networkId)),
    restorePorts: (published) => engine.publisher.restore(published),
    dns: engine.dns,
    images: engine.images,
    defaultBridge: {
      name: config.bridgeName,
      subnet: config.bridgeSubnet,
      ...(config.bridgeGateway ? { gateway: config.bridgeGateway } : {}),
      mtu: config.mtu,
      icc: config.icc,
      masquerade: config.ipMasquerade,
      ...(config.ipv6 && config.fixedCidrV6 ? { subnet6: config.fixedCidrV6 } : {}),
    },
    ...(clusterMode ? { cluster: clusterMode } : {}),
    logger,
  };
}
