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
import { portRequests } from './spec.js';
import type { PublishedPort } from '../model/port.js';
import { failpoint } from '../util/failpoint.js';

function portEndpoint(target: { containerAddress: string; containerAddress6?: string | undefined }, networkId: string, bridge: string): PortEndpoint {
  return { networkId, bridge, containerAddress: target.containerAddress, ...(target.containerAddress6 ? { containerAddress6: target.containerAddress6 } : {}) };
}

export class NftPortPublisher implements PortPublisher {
  private readonly reserved = new Map<string, ReservedPort[]>();

  constructor(private readonly deps: { firewall: FirewallService; allocator: PortAllocator; probe: PortProbe; sysctl: SysctlPort }) {}

  async publish(target: PublishTarget): Promise<PublishedPort[]> {
    // Docker programs ports on the gateway endpoint only, which an internal network never is,
    // nor a network without a host interface (macvlan: containers are on the LAN themselves).
    if (target.network.internal || target.network.bridge === '') return [];
    const requests = portRequests(target.bindings, target.exposedPorts, target.publishAll);
    if (requests.length === 0) return [];
    let reserved: ReservedPort[];
    try {
      reserved = await reservePorts(this.deps.allocator, this.deps.probe, requests);
    } catch (error) {
      throw this.failure(target, error);
    }
    let added = false;
    try {
      failpoint('ports.publish.after-reserve');
      for (const setting of publishedPortSysctls([target.network.bridge])) await this.deps.sysctl.write(setting.path, setting.value);
      const mappings = toPortMappings(portEndpoint(target, target.network.id, target.network.bridge), reserved);
      await this.deps.firewall.addPorts(target.containerId, mappings);
      added = true;
      failpoint('ports.publish.after-nft');
    } catch (error) {
      // The client must see the first failure; an element this leaves is gone at the next start (the table is rebuilt).
      if (added) await this.deps.firewall.removePorts(target.containerId).catch(() => undefined);
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
    const reserved = withoutIpv6Twins(published.ports);
    for (const port of reserved) this.deps.allocator.claim(port.hostIp, port.protocol, port.hostPort);
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
