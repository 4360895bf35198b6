/**
 * CNI attachments as engine use cases: ADD plugs the runtime's namespace into a network through
 * the same EndpointService and port publisher Docker-API containers use (one IPAM, one nft map,
 * so no address or port is given twice), then keeps a record; DEL undoes what is there and is
 * idempotent; GC removes every attachment of a network the runtime no longer lists. Work on one
 * key is serialised.
 */
import { del, put, type Store } from '../../store/index.js';
import { invalid, isEngineError } from '../../errors/index.js';
import type { Network, Endpoint } from '../../model/network.js';
import type { ContainerPublished, PortPublisher } from '../../ports/publishing.js';
import { KeyedQueue } from '../../util/queue.js';
import { createLogger, type Logger } from '../../util/logger.js';
import { UndoStack } from '../../util/undo.js';
import type { ConnectRequest } from '../networks/endpoint-service.js';
import { attachmentOwner, isAttachmentOwner, type Attachment, type AttachmentKey, type AttachRequest } from './attachment.js';
import { ensureNetwork, type NetworkCatalog } from './attachment-network.js';

export interface AttachmentEndpoints {
  connect(network: string, request: ConnectRequest): Promise<Endpoint>;
  disconnect(network: string, containerId: string): Promise<void>;
  endpointsOf(networkId: string): Endpoint[];
}

export interface AttachmentServiceDeps {
  store: Store;
  networks: NetworkCatalog;
  endpoints: AttachmentEndpoints;
  ports: PortPublisher & { restore(published: ContainerPublished): void };
  /** The host interface of a network (its bridge), where published ports lead. */
  interfaceOf(network: Network): string;
  logger?: Logger;
}

export class AttachmentService {
  private readonly records = new Map<string, Attachment>();
  private readonly queue = new KeyedQueue();
  private readonly logger: Logger;

  constructor(private readonly deps: AttachmentServiceDeps) {
    this.logger = deps.logger ?? createLogger('warn');
  }

  /** Start-up, before the firewall is rebuilt: the records, and their ports back in the map. */
  async load(): Promise<Attachment[]> {
    this.records.clear();
    for (const record of await this.deps.store.list<Attachment>('cni-attachment')) {
      this.records.set(record.owner, record);
      if (record.ports.length > 0) {
        this.deps.ports.restore({ containerId: record.owner, networkId: record.networkId, bridge: record.bridge, containerAddress: record.ipv4Address.split('/')[0] ?? '', ports: record.ports });
      }
    }
    return [...this.records.values()];
  }

  get(key: AttachmentKey): Attachment | undefined {
    return this.records.get(attachmentOwner(key));
  }

  all(): Attachment[] {
    return [...this.records.values()];
  }

  /** The network of a configuration, made now if missing: its errors are the configuration's. */
  prepare(spec: AttachRequest['spec']): Promise<Network> {
    return ensureNetwork(this.deps.networks, spec);
  }

  add(request: AttachRequest): Promise<Attachment> {
    const owner = attachmentOwner(request);
    return this.queue.run(owner, async () => this.records.get(owner) ?? this.addNow(owner, request));
  }

  private async addNow(owner: string, request: AttachRequest): Promise<Attachment> {
    const network = await ensureNetwork(this.deps.networks, request.spec);
    const undo = new UndoStack();
    try {
      const endpoint = await this.deps.endpoints.connect(network.id, {
        containerId: owner,
        containerName: owner,
        sandbox: request.netns,
        createSandbox: false,
        ifname: request.ifname,
        ...(request.ipv4Address ? { ipv4Address: request.ipv4Address } : {}),
        ...(request.ipv6Address ? { ipv6Address: request.ipv6Address } : {}),
        ...(request.macAddress ? { macAddress: request.macAddress } : {}),
      });
      undo.push('disconnect the endpoint', () => this.deps.endpoints.disconnect(network.id, owner));
      const ports = await this.publish(owner, network, endpoint, request, undo);
      const record: Attachment = {
        containerId: request.containerId, ifname: request.ifname, network: request.network, owner, netns: request.netns, networkId: network.id, bridge: this.deps.interfaceOf(network),
        hostIfname: endpoint.hostIfname, macAddress: endpoint.macAddress, ipv4Address: endpoint.ipv4Address, ipv6Address: endpoint.ipv6Address,
        gateway4: endpoint.gateway4, gateway6: endpoint.gateway6, internal: network.internal, ports,
      };
      await this.deps.store.commit([put('cni-attachment', owner, record)]);
      this.records.set(owner, record);
      return record;
    } catch (error) {
      await undo.rollback(this.logger, { attachment: owner, action: 'cni add' });
      throw error;
    }
  }

  private async publish(owner: string, network: Network, endpoint: Endpoint, request: AttachRequest, undo: UndoStack): Promise<Attachment['ports']> {
    if (request.ports.length === 0) return [];
    if (endpoint.ipv4Address === '') throw invalid('cni-ports-ipv6-only', `conet does not publish ports on an IPv6-only network (${network.name}) yet`);
    undo.push('unpublish ports', () => this.deps.ports.unpublish(owner));
    return this.deps.ports.publish({
      containerId: owner,
      containerName: owner,
      bindings: request.ports.map((port) => ({ containerPort: port.containerPort, protocol: port.protocol, hostIp: port.hostIp, hostPort: { start: port.hostPort, end: port.hostPort } })),
      exposedPorts: [],
      publishAll: false,
      network: { id: network.id, bridge: this.deps.interfaceOf(network), internal: network.internal },
      containerAddress: endpoint.ipv4Address.split('/')[0] ?? '',
      endpointId: endpoint.id,
    });
  }

  /** DEL: whatever of the attachment is there goes; nothing there is success. */
  remove(key: AttachmentKey): Promise<void> {
    const owner = attachmentOwner(key);
    return this.queue.run(owner, () => this.removeNow(owner, key.network));
  }

  private async removeNow(owner: string, networkName: string): Promise<void> {
    const record = this.records.get(owner);
    const network = this.deps.networks.all().find((candidate) => candidate.id === record?.networkId || candidate.name === networkName);
    const plugged = network !== undefined && this.deps.endpoints.endpointsOf(network.id).some((endpoint) => endpoint.containerId === owner);
    // Ports and veth are independent: one nft change and one link delete, in parallel.
    await Promise.all([
      this.deps.ports.unpublish(owner),
      plugged && network
        ? this.deps.endpoints.disconnect(network.id, owner).catch((error: unknown) => {
            if (!(isEngineError(error) && error.code === 'endpoint-not-connected')) throw error;
          })
        : undefined,
    ]);
    if (record) await this.deps.store.commit([del('cni-attachment', owner)]);
    this.records.delete(owner);
  }

  /**
   * GC: every attachment of the network whose key is not in `valid` is removed, with endpoints of
   * CNI owners that have no record (a crash between plugging and saving). Returns what went.
   */
  async collect(networkName: string, valid: readonly AttachmentKey[]): Promise<string[]> {
    const keep = new Set(valid.map((key) => attachmentOwner({ ...key, network: networkName })));
    const network = this.deps.networks.all().find((candidate) => candidate.name === networkName);
    const owners = new Set([...this.records.values()].filter((record) => record.network === networkName).map((record) => record.owner));
    if (network) for (const endpoint of this.deps.endpoints.endpointsOf(network.id)) if (isAttachmentOwner(endpoint.containerId)) owners.add(endpoint.containerId);
    const removed: string[] = [];
    for (const owner of owners) {
      if (keep.has(owner)) continue;
      await this.queue.run(owner, () => this.removeNow(owner, networkName));
      removed.push(owner);
    }
    return removed;
  }
}
