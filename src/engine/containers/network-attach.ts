/**
 * The network side of a container start, per network mode (bridge, user-defined, none, host,
 * container:NAME). Every step registers its undo so a failed start leaves nothing behind, and
 * release() undoes a running container's network when it stops.
 */
import { conflict, notFound } from '../../errors/index.js';
import { gatewayOf } from '../../ipam/index.js';
import type { SandboxPort } from '../../kernel/ports.js';
import type { Container, EndpointRequest } from '../../model/container.js';
import type { Endpoint, Network } from '../../model/network.js';
import type { UndoStack } from '../../util/undo.js';
import type { ConnectRequest, EndpointService } from '../networks/endpoint-service.js';
import type { NetworkService } from '../networks/network-service.js';
import { GatewayRoutes } from './gateway-routes.js';
import { interfaceNameFor } from './interface-name.js';

export interface AttachResult {
  /** Namespace file for the runtime; undefined = the daemon's own (host mode). */
  netnsPath?: string;
  sandbox: string;
  endpoints: Array<{ network: Network; endpoint: Endpoint }>;
}

export interface ContainerLookup {
  find(reference: string): Container | undefined;
}

/**
 * /run/netns is shared by every daemon on the machine, so a sandbox name carries the daemon's
 * short id as well as the container's: recovery may then delete strays of its own only.
 */
export function sandboxName(daemonShortId: string, containerId: string): string {
  return `conet-${daemonShortId}-${containerId.slice(0, 12)}`;
}

export function sandboxPrefix(daemonShortId: string): string {
  return `conet-${daemonShortId}-`;
}

/** "default" is the daemon's default network, "bridge". */
export function networkNameOf(mode: string): string {
  return mode === 'default' ? 'bridge' : mode;
}

export class NetworkAttacher {
  constructor(
    private readonly deps: { networks: NetworkService; endpoints: EndpointService; sandboxes: SandboxPort; containers: ContainerLookup; daemonShortId: string },
  ) {}

  /** The default bridge's IPv4 gateway: what `--add-host NAME:host-gateway` maps to. */
  hostGatewayAddress(): string | undefined {
    const bridge = this.deps.networks.all().find((network) => network.name === 'bridge' && network.predefined);
    const config = bridge?.ipam.configs.find((candidate) => !candidate.subnet.includes(':'));
    return config === undefined ? undefined : gatewayOf(config);
  }

  /** The container's IPv4 address on the default bridge (legacy links), without prefix length. */
  bridgeAddressOf(containerId: string): string | undefined {
    const bridge = this.deps.networks.all().find((network) => network.name === 'bridge' && network.predefined);
    const endpoint = bridge && this.deps.endpoints.endpointsOfContainer(containerId).find((candidate) => candidate.networkId === bridge.id);
    return endpoint?.ipv4Address.split('/')[0] || undefined;
  }

  async attach(container: Container, undo: UndoStack): Promise<AttachResult> {
    const mode = container.hostConfig.networkMode;
    if (mode === 'host') return { sandbox: '', endpoints: [] };
    if (mode.startsWith('container:')) return this.joinContainer(mode.slice('container:'.length));
    const sandbox = sandboxName(this.deps.daemonShortId, container.id);
    const netnsPath = this.deps.sandboxes.path(sandbox);
    undo.push(`remove sandbox ${sandbox}`, () => this.deps.sandboxes.remove(sandbox));
    if (mode === 'none') {
      await this.deps.sandboxes.create(sandbox);
      return { netnsPath, sandbox, endpoints: [] };
    }
    // A disconnected primary network may since have been removed: it is not looked up then.
    const network = container.primaryDetached ? undefined : this.deps.networks.inspect(networkNameOf(mode));
    const endpoints: Array<{ network: Network; endpoint: Endpoint }> = [];
    if (network) endpoints.push({ network, endpoint: await this.attachPrimary(container, network, sandbox, undo) });
    else await this.deps.sandboxes.create(sandbox);
    // Networks connected while the container was not running join now, as eth1, eth2, ...
    for (const [reference, extra] of Object.entries(container.endpointRequests)) {
      const other = this.deps.networks.all().find((candidate) => candidate.name === reference || candidate.id === reference);
      if (!other || endpoints.some((entry) => entry.network.id === other.id)) continue;
      if (container.primaryDetached && (other.name === networkNameOf(mode) || other.id === mode)) continue;
      const used = new Set(endpoints.map((entry) => entry.endpoint.ifname));
      const joined = await this.deps.endpoints.connect(other.id, { ...this.connectRequest(container, sandbox, extra), createSandbox: false, ifname: interfaceNameFor(extra, used) });
      undo.push(`disconnect from network ${other.name}`, () => this.deps.endpoints.disconnect(other.id, container.id));
      endpoints.push({ network: other, endpoint: joined });
    }
    // With several networks, the default route goes via the one of highest --gw-priority.
    if (endpoints.length > 1) await new GatewayRoutes(this.deps).apply(container.id, sandbox);
    return { netnsPath, sandbox, endpoints };
  }

  private connectRequest(container: Container, sandbox: string, request: EndpointRequest | undefined): Omit<ConnectRequest, 'createSandbox' | 'ifname'> {
    return {
      containerId: container.id,
      containerName: container.name,
      hostname: container.config.hostname,
      sandbox,
      ...(request?.ipv4Address ? { ipv4Address: request.ipv4Address } : {}),
      ...(request?.ipv6Address ? { ipv6Address: request.ipv6Address } : {}),
      ...(request?.macAddress ? { macAddress: request.macAddress } : {}),
      ...(request?.gwPriority ? { gwPriority: request.gwPriority } : {}),
      aliases: request?.aliases ?? [],
    };
  }

  /** The network of the container's mode, as eth0, creating the sandbox in the same step. */
  private async attachPrimary(container: Container, network: Network, sandbox: string, undo: UndoStack): Promise<Endpoint> {
    const mode = container.hostConfig.networkMode;
    const request = container.endpointRequests[mode] ?? container.endpointRequests[network.name] ?? container.endpointRequests[network.id];
    const endpoint = await this.deps.endpoints.connect(network.id, { ...this.connectRequest(container, sandbox, request), createSandbox: true, ifname: interfaceNameFor(request, new Set()) });
    undo.push(`disconnect from network ${network.name}`, () => this.deps.endpoints.disconnect(network.id, container.id));
    return endpoint;
  }

  /**
   * Disconnects every endpoint of a stopped container and drops its namespace. With a sandbox of
   * its own, deleting the namespace takes the veth pairs with it, so the endpoints are only
   * forgotten, not unplugged one by one: one `ip netns del` instead of a link delete per network.
   */
  async release(container: Container): Promise<void> {
    const errors: unknown[] = [];
    const unplug = container.sandbox === '';
    await Promise.all(
      this.deps.endpoints.endpointsOfContainer(container.id).map((endpoint) =>
        this.deps.endpoints.disconnect(endpoint.networkId, container.id, { unplug }).catch((error: unknown) => errors.push(error)),
      ),
    );
    if (container.sandbox) await this.deps.sandboxes.remove(container.sandbox).catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw errors[0];
  }

  /** The network of a container as it stands (kept across a restart by policy): its namespace and endpoints, eth0 first. */
  current(container: Container): AttachResult {
    const endpoints = this.deps.endpoints.endpointsOfContainer(container.id).flatMap((endpoint) => {
      const network = this.deps.networks.all().find((candidate) => candidate.id === endpoint.networkId);
      return network ? [{ network, endpoint }] : [];
    });
    endpoints.sort((a, b) => a.endpoint.ifname.localeCompare(b.endpoint.ifname, 'en', { numeric: true }));
    return { netnsPath: this.deps.sandboxes.path(container.sandbox), sandbox: container.sandbox, endpoints };
  }

  netnsPathOf(sandbox: string): string {
    return this.deps.sandboxes.path(sandbox);
  }

  private joinContainer(reference: string): AttachResult {
    const target = this.deps.containers.find(reference);
    if (!target) throw notFound('container-not-found', `No such container: ${reference}`);
    if (target.state.status !== 'running') {
      throw conflict('container-not-running', `cannot join network of a non running container: ${target.id}`);
    }
    if (target.hostConfig.networkMode === 'host') return { sandbox: '', endpoints: [] };
    if (target.hostConfig.networkMode.startsWith('container:')) return this.joinContainer(target.hostConfig.networkMode.slice('container:'.length));
    return { netnsPath: this.deps.sandboxes.path(target.sandbox), sandbox: '', endpoints: [] };
  }
}
