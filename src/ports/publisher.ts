/**
 * Publishing a container's ports: requests -> host ports (allocator + probe) -> one nft
 * transaction of map elements. All or nothing: a failure gives back every port it took.
 */
import { EngineError, system } from '../errors/index.js';
import type { FirewallService } from '../firewall/firewall-service.js';
import { publishedPortSysctls } from '../firewall/port-sysctls.js';
import type { ContainerPublished, PortPublisher, PublishTarget } from './publishing.js';
import type { SysctlPort } from '../kernel/ports.js';
import type { PortAllocator } from './allocator.js';
import { shownBindings, toPortMappings, withoutIpv6Twins, type PortEndpoint } from './mappings.js';
import { releasePorts, reservePorts, type PortProbe, type ReservedPort } from './reserve.js';
import { parsePortBindings, type ApiPortBindings } from './spec.js';

type Bindings = Record<string, Array<{ hostIp: string; hostPort: string }>>;

function apiBindings(bindings: Bindings): ApiPortBindings {
  return Object.fromEntries(Object.entries(bindings).map(([port, list]) => [port, list.map((binding) => ({ HostIp: binding.hostIp, HostPort: binding.hostPort }))]));
}

function portEndpoint(target: { containerAddress: string; containerAddress6?: string | undefined }, networkId: string, bridge: string): PortEndpoint {
  return { networkId, bridge, containerAddress: target.containerAddress, ...(target.containerAddress6 ? { containerAddress6: target.containerAddress6 } : {}) };
}

export class NftPortPublisher implements PortPublisher {
  private readonly reserved = new Map<string, ReservedPort[]>();

  constructor(private readonly deps: { firewall: FirewallService; allocator: PortAllocator; probe: PortProbe; sysctl: SysctlPort }) {}

  validate(portBindings: Bindings, exposedPorts: string[]): void {
    parsePortBindings(apiBindings(portBindings), Object.fromEntries(exposedPorts.map((port) => [port, {}])), false);
  }

  async publish(target: PublishTarget): Promise<Bindings> {
    // Docker programs ports on the gateway endpoint only, which an internal network never is,
    // nor a network without a host interface (macvlan: containers are on the LAN themselves).
    if (target.network.internal || target.network.bridge === '') return {};
    const requests = parsePortBindings(apiBindings(target.portBindings), Object.fromEntries(target.exposedPorts.map((port) => [port, {}])), target.publishAll);
    if (requests.length === 0) return {};
    let reserved: ReservedPort[];
    try {
      reserved = await reservePorts(this.deps.allocator, this.deps.probe, requests);
    } catch (error) {
      throw this.failure(target, error);
    }
    try {
      for (const setting of publishedPortSysctls([target.network.bridge])) await this.deps.sysctl.write(setting.path, setting.value);
      const mappings = toPortMappings(portEndpoint(target, target.network.id, target.network.bridge), reserved);
      await this.deps.firewall.addPorts(target.containerId, mappings);
    } catch (error) {
      releasePorts(this.deps.allocator, reserved);
      throw this.failure(target, error);
    }
    this.reserved.set(target.containerId, reserved);
    return shownBindings(reserved, Boolean(target.containerAddress6));
  }

  async unpublish(containerId: string): Promise<void> {
    const reserved = this.reserved.get(containerId);
    this.reserved.delete(containerId);
    await this.deps.firewall.removePorts(containerId);
    if (reserved) releasePorts(this.deps.allocator, reserved);
  }

  /** Start-up: a container that kept running keeps its ports (the rebuild re-adds them). */
  restore(published: ContainerPublished): void {
    const reserved: ReservedPort[] = [];
    for (const [key, list] of Object.entries(published.ports)) {
      const [port = '0', protocol = 'tcp'] = key.split('/');
      for (const binding of withoutIpv6Twins(list)) {
        const entry = { containerPort: Number(port), protocol: protocol as ReservedPort['protocol'], hostIp: binding.hostIp, hostPort: Number(binding.hostPort) };
        this.deps.allocator.claim(entry.hostIp, entry.protocol, entry.hostPort);
        reserved.push(entry);
      }
    }
    this.reserved.set(published.containerId, reserved);
    this.deps.firewall.restorePorts(published.containerId, toPortMappings(portEndpoint(published, published.networkId, published.bridge), reserved));
  }

  /** Docker's wording (S050); bad specs stay 400s. */
  private failure(target: PublishTarget, error: unknown): Error {
    if (error instanceof EngineError && error.kind !== 'system') return error;
    const detail = error instanceof Error ? error.message : String(error);
    return system('port-publish', `driver failed programming external connectivity on endpoint ${target.containerName} (${target.endpointId}): ${detail}`, error);
  }
}
