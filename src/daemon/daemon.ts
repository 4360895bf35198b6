/**
 * Composition root: the only place that wires concrete implementations together. Start-up order:
 * config, store, drivers, load state, predefined networks, reconcile the kernel, then serve.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createApiServer, listenUnix } from '../api/server.js';
import { Router } from '../api/router.js';
import { networkRoutes } from '../api/routes/networks.js';
import { imageRoutes } from '../api/routes/images.js';
import { ImageService, ImageStore } from '../runtime/images/index.js';
import { systemRoutes } from '../api/routes/system.js';
import { DriverRegistry } from '../drivers/driver.js';
import { BridgeDriver } from '../drivers/bridge/driver.js';
import { NftBridgeFirewall } from '../drivers/common/bridge-firewall.js';
import { HostDriver } from '../drivers/host/driver.js';
import { NullDriver } from '../drivers/null/driver.js';
import { MacvlanDriver } from '../drivers/macvlan/driver.js';
import { OverlayDriver } from '../drivers/overlay/driver.js';
import { LinuxOverlay } from '../kernel/linux/overlay.js';
import { startClusterMode } from './cluster-mode.js';
import { EndpointService } from '../engine/networks/endpoint-service.js';
import { NEEDS_CLUSTER, NetworkService, type EndpointSource } from '../engine/networks/network-service.js';
import { predefinedNetworks } from '../engine/networks/predefined.js';
import { newId } from '../util/ids.js';
import { onExec } from '../exec/index.js';
import type { Kernel } from '../kernel/ports.js';
import { isUlaGlobalId, newUlaGlobalId, ulaPool, withDefaultIpv6Pool } from '../ipam/index.js';
import { LinuxLinks } from '../kernel/linux/links.js';
import { LinuxNftables } from '../kernel/linux/nft.js';
import { LinuxSandboxes } from '../kernel/linux/sandboxes.js';
import { LinuxMacvlan } from '../kernel/linux/macvlan.js';
import { LinuxPortProbe } from '../kernel/linux/port-probe.js';
import { FirewallService } from '../firewall/firewall-service.js';
import { ContainerService } from '../engine/containers/container-service.js';
import { ContainerNetworking } from '../engine/containers/container-networks.js';
import { recoverContainers } from '../engine/containers/container-recovery.js';
import { NetworkAttacher } from '../engine/containers/network-attach.js';
import { containerRoutes } from '../api/routes/containers.js';
import { attachRoutes } from '../api/routes/attach.js';
import { execRoutes } from '../api/routes/exec.js';
import { logRoutes } from '../api/routes/logs.js';
import { ExecService } from '../engine/exec/exec-service.js';
import { networkConnectRoutes } from '../api/routes/network-connect.js';
import { hostModeEndpoints } from '../engine/containers/views.js';
import { OciRuntime } from '../runtime/containers/oci-runtime.js';
import { NftPortPublisher } from '../ports/publisher.js';
import { PortAllocator } from '../ports/allocator.js';
import type { Network } from '../model/network.js';
import { containerRuntime, containerStreams, imageSource } from './runtime-adapters.js';
import { LinuxSysctl } from '../kernel/linux/sysctl.js';
import { readHostForwarding } from '../kernel/linux/sysctl-forwarding.js';
import { LinuxContainerDns } from '../kernel/linux/container-dns.js';
import { LinuxNamespaceSockets } from '../kernel/linux/namespace-sockets.js';
import { EmbeddedDns } from '../dns/index.js';
import { put, SqliteStore, type Store } from '../store/index.js';
import { loadConfig, type DaemonConfig, type DaemonFlags } from './config.js';
import { createLogger, type Logger } from '../util/logger.js';

export interface RunningDaemon {
  config: DaemonConfig;
  stop(): Promise<void>;
}

const UNSUPPORTED_DRIVERS: Record<string, string> = {
  ipvlan: 'failed to create the ipvlan network: the ipvlan driver is not supported by conet',
};

/** The kernel's ephemeral port range, where -P picks host ports (as Docker). */
async function readPortRange(kernel: Kernel): Promise<{ start: number; end: number }> {
  const text = await kernel.sysctl.read('net.ipv4.ip_local_port_range').catch(() => '32768 60999');
  const [start = 32768, end = 60999] = text.trim().split(/\s+/).map(Number);
  return { start, end };
}

/** The daemon's ULA global id, made once and stored so its IPv6 pool never moves. */
async function ulaGlobalId(store: Store): Promise<string> {
  const existing = await store.get<string>('meta', 'ula-global-id');
  if (isUlaGlobalId(existing)) return existing;
  const id = newUlaGlobalId();
  await store.commit([put('meta', 'ula-global-id', id)]);
  return id;
}

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
  const nftables = new LinuxNftables();
  const kernel: Kernel = { links: new LinuxLinks(), sandboxes: new LinuxSandboxes(), firewall: nftables, sysctl: new LinuxSysctl() };
  const drivers = new DriverRegistry();
  const firewall = new FirewallService(kernel.firewall, config.nftTable);
  const bridgeDriver = new BridgeDriver({ kernel, firewall: new NftBridgeFirewall(firewall), defaultMtu: config.mtu, ip6Masquerade: config.ip6Masquerade });
  drivers.register(bridgeDriver);
  drivers.register(new HostDriver());
  drivers.register(new NullDriver());
  drivers.register(new MacvlanDriver({ links: kernel.links, macvlan: new LinuxMacvlan() }));
  // Cluster mode: global (overlay) networks and their endpoints live in etcd.
  const clusterMode = config.cluster ? await startClusterMode(config.cluster, { nodeId: await daemonId(store), store, logger }) : undefined;
  const cluster = clusterMode?.cluster;
  if (cluster) {
    drivers.register(new OverlayDriver({
      kernel,
      overlay: new LinuxOverlay(),
      firewall: new NftBridgeFirewall(firewall, 'overlay'),
      cluster,
      dataPathPort: config.dataPathPort,
      onError: (message, error) => logger.error(message, { error: String(error) }),
    }));
  }
  // NetworkService asks EndpointService which networks are in use; EndpointService looks networks up.
  let endpointService: EndpointService | undefined;
  // Every node's endpoints of a global network: what `network rm`, inspect and DNS see.
  // Running host-mode containers count on the host network, as Docker shows them.
  const endpoints: EndpointSource = {
    endpointsOf: (networkId) => {
      const attached = endpointService?.allEndpointsOf(networkId) ?? [];
      const network = networks.all().find((candidate) => candidate.id === networkId);
      return network && containers ? [...attached, ...hostModeEndpoints(network, containers.all())] : attached;
    },
  };
  const networks = new NetworkService({
    store,
    drivers,
    links: kernel.links,
    pools: withDefaultIpv6Pool(config.addressPools, ulaPool(await ulaGlobalId(store))),
    endpoints,
    unsupportedDrivers: cluster ? UNSUPPORTED_DRIVERS : { ...UNSUPPORTED_DRIVERS, overlay: NEEDS_CLUSTER },
    ...(cluster ? { cluster } : {}),
  });
  endpointService = new EndpointService({
    store,
    drivers,
    networks,
    ...(cluster ? { cluster } : {}),
    onError: (message, error) => logger.warn(message, { error: String(error) }),
  });

  const imageStore = new ImageStore(join(config.dataRoot, 'images'));
  let containers: ContainerService | undefined;
  const images = new ImageService(imageStore, (imageId) => containers?.all().find((container) => container.imageId === imageId)?.id);
  const runtime = new OciRuntime({ execRoot: config.execRoot });
  const portRange = await readPortRange(kernel);
  const publisher = new NftPortPublisher({ firewall, allocator: new PortAllocator(portRange), probe: new LinuxPortProbe(), sysctl: kernel.sysctl });
  const interfaceOf = (network: Network): string => drivers.get(network.driver)?.ownedInterfaces([network])[0] ?? '';
  let server: Server | undefined;
  const containerDns = new LinuxContainerDns();
  const dns = new EmbeddedDns({
    networks: () => networks.all(),
    endpointsOf: (networkId) => endpointService?.allEndpointsOf(networkId) ?? [],
    container: (containerId) => containers?.find(containerId),
    onError: (error) => logger.debug('dns', { error: String(error) }),
    namespaceSockets: new LinuxNamespaceSockets(),
  });
  let execs: ExecService | undefined;
  const hijacked = new Set<Duplex>();
  try {
    const id = await daemonId(store);
    const daemonShortId = id.slice(0, 8);
    const attacher = new NetworkAttacher({ networks, endpoints: endpointService, sandboxes: kernel.sandboxes, containers: { find: (reference) => containers?.find(reference) }, daemonShortId });
    containers = new ContainerService({
      store,
      images: imageSource(imageStore),
      runtime: containerRuntime(runtime),
      attacher,
      ports: publisher,
      directory: join(config.dataRoot, 'containers'),
      interfaceOf,
      events: (message, fields) => logger.info(message, fields),
      dns: {
        targetFor: (endpoints) => dns.targetFor(endpoints),
        install: async (netnsPath, target, containerId) => void (await Promise.all([containerDns.install(netnsPath, target), dns.attach(containerId, netnsPath, target)])),
        release: (containerId) => dns.detach(containerId),
        adopt: (containerId, netnsPath, target) => dns.attach(containerId, netnsPath, target).catch((error: unknown) => logger.error('dns listeners of adopted container', { id: containerId, error: String(error) })),
      },
    });
    const networking = new ContainerNetworking({ containers, networks, endpoints: endpointService });
    await networks.load();
    await endpointService.load();
    await containers.load();
    const recovery = await recoverContainers({
      containers,
      endpoints: endpointService,
      networks,
      sandboxes: kernel.sandboxes,
      daemonShortId,
      isRunning: async (containerId) => (await runtime.runc.state(containerId).catch(() => undefined))?.status === 'running',
      exitCode: (containerId) => runtime.exits.read(containerId),
      interfaceOf: (networkId) => interfaceOf(networks.inspect(networkId)),
      restorePorts: (published) => publisher.restore(published),
    });
    logger.info('recovered containers', { adopted: recovery.adopted.length, exited: recovery.exited.length, strayEndpoints: recovery.strayEndpoints, straySandboxes: recovery.straySandboxes });
    const predefined = predefinedNetworks({
      name: config.bridgeName,
      subnet: config.bridgeSubnet,
      ...(config.bridgeGateway ? { gateway: config.bridgeGateway } : {}),
      mtu: config.mtu,
      icc: config.icc,
      masquerade: config.ipMasquerade,
      ...(config.ipv6 && config.fixedCidrV6 ? { subnet6: config.fixedCidrV6 } : {}),
    });
    for (const network of predefined) {
      const outcome = await networks.definePredefined(network);
      if (outcome === 'updated') logger.info('predefined network follows the configuration', { network: network.name });
      if (outcome === 'kept') logger.warn('predefined network differs from the configuration but has containers: kept as it is until they are gone', { network: network.name });
    }
    const started = performance.now();
    await networks.reconcile();
    logger.info('reconciled kernel state', { networks: networks.all().length, ms: Math.round(performance.now() - started) });
    clusterMode?.startCollector((endpointId) => endpointService?.hasEndpoint(endpointId) ?? true);

    // The resolver keeps its port across restarts, so adopted containers' rules stay valid;
    // when the port had to change, their rules are re-pointed.
    const previousPort = (await store.get<number>('meta', 'dns-port')) ?? 0;
    const dnsPort = await dns.listen(previousPort);
    if (dnsPort !== previousPort) await store.commit([put('meta', 'dns-port', dnsPort)]);
    const dnsAdoptions: Array<Promise<void>> = [];
    for (const containerId of recovery.adopted) {
      const container = containers.get(containerId);
      const attached = endpointService.endpointsOfContainer(containerId).map((endpoint) => ({ network: networks.inspect(endpoint.networkId), endpoint }));
      if (dnsPort === previousPort) dnsAdoptions.push(containers.adoptDns(container, attached));
      else await containers.refreshDns(container, attached).catch((error: unknown) => logger.error('dns rules of adopted container', { id: containerId, error: String(error) }));
    }
    // Listeners inside macvlan containers' namespaces died with the previous process: open them
    // again before answering the API (in parallel, a few at a time).
    await Promise.all(dnsAdoptions);
    logger.info('embedded dns listening', { port: dnsPort });
    for (const containerId of recovery.adopted) containers.adopt(containerId);
    await images.start();
    const router = new Router();
    const live = containers;
    systemRoutes(router, {
      id,
      dataRoot: config.dataRoot,
      startedAt: new Date().toISOString(),
      networkDrivers: () => drivers.names(),
      forwarding: () => readHostForwarding(kernel.sysctl),
      counts: () => {
        const all = live.all();
        const running = all.filter((container) => container.state.status === 'running').length;
        return { containers: all.length, running, paused: 0, stopped: all.length - running, images: images.list().length };
      },
    });
    networkRoutes(router, networks, endpoints);
    imageRoutes(router, images);
    containerRoutes(router, { containers, networks, endpoints: endpointService, sandboxPath: (name) => kernel.sandboxes.path(name) });
    networkConnectRoutes(router, networking);
    const streams = containerStreams(runtime);
    execs = new ExecService(containers, streams);
    attachRoutes(router, { containers, streams });
    logRoutes(router, { containers, streams });
    execRoutes(router, execs);
    server = createApiServer(router, {
      request: (entry) => logger.debug('api', entry),
      error: (message, fields) => logger.error(message, fields),
    });
    // Hijacked connections (attach, exec) are no longer the HTTP server's: close them on stop.
    server.on('upgrade', (_request: unknown, socket: Duplex) => {
      hijacked.add(socket);
      socket.once('close', () => hijacked.delete(socket));
    });
    await listenUnix(server, config.host.slice('unix://'.length));
    logger.info('daemon started', { host: config.host, dataRoot: config.dataRoot, execRoot: config.execRoot, pid: process.pid });
  } catch (error) {
    await clusterMode?.stop();
    dns.close();
    runtime.close();
    await store.close();
    stopLogging();
    throw error;
  }

  const running = server;
  return {
    config,
    async stop() {
      execs?.close();
      for (const socket of hijacked) socket.destroy();
      await new Promise<void>((resolve) => {
        running.close(() => resolve());
        running.closeAllConnections();
      });
      await clusterMode?.stop();
      dns.close();
      runtime.close();
      nftables.close();
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
