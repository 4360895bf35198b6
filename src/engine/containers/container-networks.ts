/**
 * `docker network connect|disconnect` for containers: live on a running container (a new ethN in
 * its namespace within the call), recorded on a created or stopped one (attached at its start).
 */
import { forbidden, invalid, system } from '../../errors/index.js';
import type { Container, ContainerLink, EndpointRequest } from '../../model/container.js';
import type { Network } from '../../model/network.js';
import type { EndpointService } from '../networks/endpoint-service.js';
import type { NetworkService } from '../networks/network-service.js';
import type { ContainerService } from './container-service.js';
import { networkNameOf } from './network-attach.js';
import { logError } from '../../util/log-error.js';
import { runUndo } from '../../util/undo.js';
import { createLogger, type Logger } from '../../util/logger.js';
import { failpoint } from '../../util/failpoint.js';
import type { SandboxPort } from '../../kernel/ports.js';
import { GatewayRoutes } from './gateway-routes.js';
import { interfaceNameFor } from './interface-name.js';

export interface ConnectOptions {
  ipv4Address?: string;
  ipv6Address?: string;
  aliases?: string[];
  /** EndpointConfig.MacAddress (API 1.44): the interface's MAC on this network. */
  macAddress?: string;
  /** `--gw-priority` (API 1.48). */
  gwPriority?: number;
  /** `--driver-opt` (com.docker.network.endpoint.ifname). */
  driverOpts?: Record<string, string>;
  /** `--link NAME:ALIAS`: a DNS alias for this container on this (user-defined) network. */
  links?: ContainerLink[];
}

export class ContainerNetworking {
  private readonly logger: Logger;

  /** Default routes after a live connect or disconnect; without a sandbox port (unit tests) they are left as plugged. */
  private readonly gateways: GatewayRoutes | undefined;

  constructor(private readonly deps: { containers: ContainerService; networks: NetworkService; endpoints: EndpointService; sandboxes?: SandboxPort; logger?: Logger }) {
    this.gateways = deps.sandboxes ? new GatewayRoutes({ sandboxes: deps.sandboxes, networks: deps.networks, endpoints: deps.endpoints }) : undefined;
    this.logger = deps.logger ?? createLogger('warn');
  }

  /** Under the container's lock: a parallel start, disconnect or second connect waits (ethN stays unique). */
  async connect(networkReference: string, containerReference: string, options: ConnectOptions = {}): Promise<void> {
    const network = this.deps.networks.inspect(networkReference);
    await this.deps.containers.locked(containerReference, (container) => this.connectNow(network, container, options));
  }

  async disconnect(networkReference: string, containerReference: string): Promise<void> {
    const network = this.deps.networks.inspect(networkReference);
    await this.deps.containers.locked(containerReference, (container) => this.disconnectNow(network, container));
  }

  private async connectNow(network: Network, container: Container, options: ConnectOptions): Promise<void> {
    const mode = container.hostConfig.networkMode;
    if (network.driver === 'host' || mode === 'host') {
      throw invalid('endpoint-host', 'container cannot be disconnected from host network or connected to host network');
    }
    if (mode.startsWith('container:') || mode === 'none' || network.driver === 'null') {
      throw forbidden('endpoint-shared', 'container sharing network namespace with another container or host cannot be connected to any other network');
    }
    const attached = this.deps.endpoints.endpointsOfContainer(container.id);
    const isPrimary = networkNameOf(mode) === network.name || network.id === mode;
    const recorded = (isPrimary && !container.primaryDetached) || container.endpointRequests[network.name] !== undefined;
    if (attached.some((endpoint) => endpoint.networkId === network.id) || (container.state.status !== 'running' && recorded)) {
      throw forbidden('endpoint-exists', `endpoint with name ${container.name} already exists in network ${network.name}`);
    }
    if ((options.ipv4Address || options.ipv6Address) && network.predefined) {
      throw invalid('endpoint-static-ip', 'user specified IP address is supported on user defined networks only');
    }
    // Docker takes them there and does nothing (no embedded DNS): refused rather than ignored.
    if (options.links?.length && network.predefined) {
      throw invalid('unsupported-option', `conet does not support EndpointConfig.Links (--link) on the predefined network ${network.name}: links there are HostConfig.Links at create`);
    }
    const request: EndpointRequest = {
      aliases: options.aliases ?? [],
      ipv4Address: options.ipv4Address ?? '',
      ipv6Address: options.ipv6Address ?? '',
      macAddress: options.macAddress ?? '',
      ...(options.gwPriority ? { gwPriority: options.gwPriority } : {}),
      ...(options.driverOpts && Object.keys(options.driverOpts).length > 0 ? { driverOpts: options.driverOpts } : {}),
      ...(options.links?.length ? { links: options.links } : {}),
    };
    const record = (): void => {
      container.endpointRequests = { ...container.endpointRequests, [network.name]: request };
      if (isPrimary) delete container.primaryDetached;
    };
    if (container.state.status === 'running') {
      await this.connectLive(network, container, request);
      await this.recordOrUndo(container, () => this.deps.endpoints.disconnect(network.id, container.id), async () => {
        failpoint('container.connect.after-endpoint');
        record();
        await this.gateways?.apply(container.id, container.sandbox);
        return this.refreshDns(container);
      });
      return;
    }
    // Checked now so a bad address fails the connect, not a later start.
    if (request.ipv4Address || request.ipv6Address) this.checkStaticAddress(network.ipam.configs.every((config) => config.autoSubnet === true));
    record();
    await this.deps.containers.save(container);
  }

  /** A new interface (the asked-for name, else the first free ethN) in the running container's namespace. */
  private async connectLive(network: Network, container: Container, request: EndpointRequest): Promise<void> {
    const used = new Set(this.deps.endpoints.endpointsOfContainer(container.id).map((endpoint) => endpoint.ifname));
    await this.deps.endpoints.connect(network.id, {
      containerId: container.id,
      containerName: container.name,
      hostname: container.config.hostname,
      sandbox: container.sandbox,
      createSandbox: false,
      ifname: interfaceNameFor(request, used),
      ...(request.ipv4Address ? { ipv4Address: request.ipv4Address } : {}),
      ...(request.ipv6Address ? { ipv6Address: request.ipv6Address } : {}),
      ...(request.macAddress ? { macAddress: request.macAddress } : {}),
      ...(request.gwPriority ? { gwPriority: request.gwPriority } : {}),
      aliases: request.aliases,
    });
  }

  private async disconnectNow(network: Network, container: Container): Promise<void> {
    if (network.driver === 'host') {
      throw invalid('endpoint-host', 'container cannot be disconnected from host network or connected to host network');
    }
    const attached = this.deps.endpoints.endpointsOfContainer(container.id).find((endpoint) => endpoint.networkId === network.id);
    const isPrimary = networkNameOf(container.hostConfig.networkMode) === network.name || container.hostConfig.networkMode === network.id;
    const recorded = container.endpointRequests[network.name] !== undefined || (isPrimary && !container.primaryDetached);
    if (!attached && !recorded) throw system('endpoint-not-connected', `container ${container.id} is not connected to network ${network.name}`);
    const record = (): void => {
      const { [network.name]: _removed, ...rest } = container.endpointRequests;
      container.endpointRequests = rest;
      if (isPrimary) container.primaryDetached = true;
    };
    if (!attached) {
      record();
      await this.deps.containers.save(container);
      return;
    }
    await this.deps.endpoints.disconnect(network.id, container.id);
    await this.recordOrUndo(container, () => this.deps.endpoints.reattach(attached), async () => {
      failpoint('container.disconnect.after-endpoint');
      record();
      // The default route that went with the interface comes back via the next network.
      await this.gateways?.apply(container.id, container.sandbox);
      return this.refreshDns(container);
    });
  }

  /**
   * After a live connect or disconnect: `change` updates the container's record (and its DNS), which
   * is then saved; a failure undoes the kernel side and puts the record back as it was.
   */
  private async recordOrUndo(container: Container, undoKernel: () => Promise<unknown>, change: () => Promise<void>): Promise<void> {
    const saved = { endpointRequests: container.endpointRequests, primaryDetached: container.primaryDetached };
    try {
      await change();
      await this.deps.containers.save(container);
    } catch (error) {
      container.endpointRequests = saved.endpointRequests;
      if (saved.primaryDetached === undefined) delete container.primaryDetached;
      else container.primaryDetached = saved.primaryDetached;
      const undo = [
        { name: `save ${container.id} as it was`, run: () => this.deps.containers.save(container) },
        { name: `undo the network change of ${container.id}`, run: undoKernel },
      ];
      await runUndo(undo, this.logger, { container: container.id });
      await this.refreshDns(container);
      throw error;
    }
  }

  /** The embedded resolver follows the container's networks; a DNS hiccup never fails the connect. */
  private async refreshDns(container: Container): Promise<void> {
    const endpoints = this.deps.endpoints
      .endpointsOfContainer(container.id)
      .map((endpoint) => ({ network: this.deps.networks.inspect(endpoint.networkId), endpoint }));
    await this.deps.containers.refreshDns(container, endpoints).catch(logError(this.deps.logger ?? createLogger('warn'), 'warn', 'dns rules after a connect or disconnect', { container: container.id }));
  }

  private checkStaticAddress(allAuto: boolean): void {
    if (allAuto) throw invalid('endpoint-static-ip', 'user specified IP address is supported only when connecting to networks with user configured subnets');
  }
}
