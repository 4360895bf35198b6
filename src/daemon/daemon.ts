/**
 * Composition root: the only place that wires concrete implementations together. Start-up order:
 * config, store, drivers, load state, predefined networks, reconcile the kernel, then serve.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { createApiServer, listenUnix } from '../api/server.js';
import { Router } from '../api/router.js';
import { networkRoutes } from '../api/routes/networks.js';
import { imageRoutes } from '../api/routes/images.js';
import { ImageService, ImageStore } from '../runtime/images/index.js';
import { systemRoutes } from '../api/routes/system.js';
import { DriverRegistry } from '../drivers/driver.js';
import { BridgeDriver } from '../drivers/bridge/driver.js';
import { NftBridgeFirewall } from '../drivers/bridge/nft-firewall.js';
import { HostDriver } from '../drivers/host/driver.js';
import { NullDriver } from '../drivers/null/driver.js';
import { EndpointService } from '../engine/endpoint-service.js';
import { NetworkService, type EndpointSource } from '../engine/network-service.js';
import { predefinedNetworks } from '../engine/predefined.js';
import { newId } from '../engine/ids.js';
import { onExec } from '../exec/index.js';
import type { Kernel } from '../kernel/ports.js';
import { LinuxLinks } from '../kernel/linux/links.js';
import { LinuxNftables } from '../kernel/linux/nft.js';
import { LinuxSandboxes } from '../kernel/linux/sandboxes.js';
import { LinuxSysctl } from '../kernel/linux/sysctl.js';
import { put, SqliteStore, type Store } from '../store/index.js';
import { loadConfig, type DaemonConfig, type DaemonFlags } from './config.js';
import { createLogger, type Logger } from './logger.js';

export interface RunningDaemon {
  config: DaemonConfig;
  stop(): Promise<void>;
}

const UNSUPPORTED_DRIVERS: Record<string, string> = {
  macvlan: 'the macvlan driver is not available in this version of conet yet',
  overlay: 'the overlay driver needs cluster mode (--cluster-store), which this version of conet does not provide yet',
  ipvlan: 'failed to create the ipvlan network: the ipvlan driver is not supported by conet',
};

async function daemonId(store: Store): Promise<string> {
  const existing = await store.get<string>('meta', 'daemon-id');
  if (existing) return existing;
  const id = newId();
  await store.commit([put('meta', 'daemon-id', id)]);
  return id;
}

export async function startDaemon(flags: DaemonFlags): Promise<RunningDaemon> {
  const config = await loadConfig(flags);
  const logger = createLogger(config.logLevel);
  const stopLogging = onExec((result) => logger.debug('exec', { argv: result.argv, code: result.code, ms: Math.round(result.durationMs * 10) / 10 }));
  await mkdir(config.dataRoot, { recursive: true, mode: 0o700 });
  await mkdir(config.execRoot, { recursive: true, mode: 0o700 });
  const pidFile = join(config.execRoot, 'conetd.pid');
  await writeFile(pidFile, `${process.pid}\n`);

  const store = new SqliteStore(join(config.dataRoot, 'conet.db'));
  const kernel: Kernel = { links: new LinuxLinks(), sandboxes: new LinuxSandboxes(), firewall: new LinuxNftables(), sysctl: new LinuxSysctl() };
  const drivers = new DriverRegistry();
  drivers.register(new BridgeDriver({ kernel, firewall: new NftBridgeFirewall(kernel.firewall, config.nftTable), defaultMtu: config.mtu }));
  drivers.register(new HostDriver());
  drivers.register(new NullDriver());
  // NetworkService asks EndpointService which networks are in use; EndpointService looks networks up.
  let endpointService: EndpointService | undefined;
  const endpoints: EndpointSource = { endpointsOf: (networkId) => endpointService?.endpointsOf(networkId) ?? [] };
  const networks = new NetworkService({ store, drivers, links: kernel.links, pools: config.addressPools, endpoints, unsupportedDrivers: UNSUPPORTED_DRIVERS });
  endpointService = new EndpointService({ store, drivers, networks });

  const images = new ImageService(new ImageStore(join(config.dataRoot, 'images')));
  let server: Server | undefined;
  try {
    await networks.load();
    await endpointService.load();
    const predefined = predefinedNetworks({
      name: config.bridgeName,
      subnet: config.bridgeSubnet,
      ...(config.bridgeGateway ? { gateway: config.bridgeGateway } : {}),
      mtu: config.mtu,
      icc: config.icc,
      masquerade: config.ipMasquerade,
    });
    for (const network of predefined) await networks.definePredefined(network);
    const started = performance.now();
    await networks.reconcile();
    logger.info('reconciled kernel state', { networks: networks.all().length, ms: Math.round(performance.now() - started) });

    await images.start();
    const id = await daemonId(store);
    const router = new Router();
    systemRoutes(router, {
      id,
      dataRoot: config.dataRoot,
      startedAt: new Date().toISOString(),
      networkDrivers: () => drivers.names(),
      counts: () => ({ containers: 0, running: 0, paused: 0, stopped: 0, images: images.list().length }),
    });
    networkRoutes(router, networks, endpoints);
    imageRoutes(router, images);
    server = createApiServer(router, {
      request: (entry) => logger.debug('api', entry),
      error: (message, fields) => logger.error(message, fields),
    });
    await listenUnix(server, config.host.slice('unix://'.length));
    logger.info('daemon started', { host: config.host, dataRoot: config.dataRoot, execRoot: config.execRoot, pid: process.pid });
  } catch (error) {
    await store.close();
    stopLogging();
    throw error;
  }

  const running = server;
  return {
    config,
    async stop() {
      await new Promise<void>((resolve) => {
        running.close(() => resolve());
        running.closeAllConnections();
      });
      await store.close();
      await rm(pidFile, { force: true });
      logger.info('daemon stopped');
      stopLogging();
    },
  };
}

export function installSignalHandlers(daemon: RunningDaemon, logger: Logger = createLogger(daemon.config.logLevel)): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    daemon.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
