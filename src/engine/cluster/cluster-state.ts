/**
 * The engine's typed view of the cluster store: global networks, their endpoints on every node,
 * the live nodes and routed-mode slices, read from the store's mirror (no I/O), and the few
 * multi-key transactions that change them. Every claim (name, subnet, VNI, address, slice) is a
 * key created with an "absent" compare in the same transaction as the thing it guards, so two
 * nodes racing for the same one can't both win.
 */
import { conflict, forbidden } from '../../errors/index.js';
import type { ClusterEndpoint, ClusterEntry, ClusterNode, ClusterStore, ClusterCompare, ClusterOp, ClusterEvent } from '../../cluster/cluster-store.js';
import { keys } from '../../cluster/keys.js';
import type { Network } from '../../model/network.js';
import { errorFields } from '../../util/log-error.js';
import { createLogger, type Logger } from '../../util/logger.js';
import { decodeEndpoint, decodeNetwork, decodeNode, decodeSlices } from './cluster-records.js';

export type CreateOutcome = { ok: true } | { ok: false; reason: 'claim' };

export class ClusterState {
  /** Decoded records by the mirror's value object: a record is decoded once per change. */
  private readonly decoded = new WeakMap<object, { context: unknown; value: unknown }>();
  /** Keys already reported as bad, with the revision reported (one warning per bad write). */
  private readonly reported = new Map<string, string>();

  constructor(
    readonly store: ClusterStore,
    readonly self: ClusterNode,
    private readonly logger: Logger = createLogger('warn'),
  ) {}

  get selfId(): string {
    return this.self.id;
  }

  networks(): Network[] {
    return this.store.list(keys.networks).flatMap((entry) => this.decode(entry, undefined, () => decodeNetwork(entry.key.slice(keys.networks.length), entry.value)));
  }

  network(id: string): Network | undefined {
    const entry = this.store.get(keys.network(id));
    return entry ? this.decode(entry, undefined, () => decodeNetwork(id, entry.value))[0] : undefined;
  }

  /** The valid endpoints of a valid network (none when the network's own record is bad). */
  endpointsOf(networkId: string): ClusterEndpoint[] {
    const network = this.network(networkId);
    if (!network) return [];
    const prefix = keys.endpointsOf(networkId);
    return this.store
      .list(prefix)
      .flatMap((entry) => this.decode(entry, network, () => decodeEndpoint(networkId, entry.key.slice(prefix.length), entry.value, network)))
      .filter((endpoint) => this.holdsItsAddresses(endpoint));
  }

  /**
   * claimEndpoint writes the endpoint and its address claims in one transaction: an endpoint
   * whose address is claimed by another endpoint (or by none) was not written by a node, and
   * would take that address's traffic.
   */
  private holdsItsAddresses(endpoint: ClusterEndpoint): boolean {
    for (const address of addressesOf(endpoint)) {
      const claim = this.store.get(keys.address(endpoint.networkId, address));
      if (claim?.value !== endpoint.id) {
        const key = keys.endpoint(endpoint.networkId, endpoint.id);
        this.report(key, this.store.get(key)?.modRevision ?? '', `address ${address} is claimed by ${claim ? `endpoint ${String(claim.value).slice(0, 12)}` : 'no endpoint'}`);
        return false;
      }
    }
    return true;
  }

  /** Nodes whose registration (lease) is alive. */
  nodes(): ClusterNode[] {
    return this.store.list(keys.nodes).flatMap((entry) => this.decode(entry, undefined, () => decodeNode(entry.key.slice(keys.nodes.length), entry.value)));
  }

  node(id: string): ClusterNode | undefined {
    const entry = this.store.get(keys.node(id));
    return entry ? this.decode(entry, undefined, () => decodeNode(id, entry.value))[0] : undefined;
  }

  /** Routed mode: every node's slice of a network (valid, inside the subnet, claimed, not overlapping). */
  slices(networkId: string): Array<{ nodeId: string; cidr: string }> {
    const network = this.network(networkId);
    if (!network) return [];
    const prefix = keys.slicesOf(networkId);
    const entries = this.store.list(prefix);
    const records = entries.map((entry) => {
      const nodeId = entry.key.slice(prefix.length);
      const claimed = typeof entry.value === 'string' && this.store.get(keys.sliceClaim(networkId, entry.value))?.value === nodeId;
      return { key: entry.key, nodeId, value: entry.value, claimed };
    });
    return decodeSlices(records, network, this.self.id, (key, reason) => this.report(key, entries.find((entry) => entry.key === key)?.modRevision ?? '', reason));
  }

  /** One decoded record, or none (logged once per write) when it is not valid. */
  private decode<T>(entry: ClusterEntry, context: unknown, decode: () => T): T[] {
    const cacheable = typeof entry.value === 'object' && entry.value !== null;
    const cached = cacheable ? this.decoded.get(entry.value as object) : undefined;
    if (cached && cached.context === context) return cached.value === undefined ? [] : [cached.value as T];
    let value: T | undefined;
    try {
      value = decode();
    } catch (error) {
      // Reason: a bad record is another node's (or an intruder's) problem, never this node's sync's.
      this.report(entry.key, entry.modRevision, errorFields(error)['error'] ?? String(error));
    }
    if (cacheable) this.decoded.set(entry.value as object, { context, value });
    return value === undefined ? [] : [value];
  }

  private report(key: string, modRevision: string, reason: unknown): void {
    if (this.reported.get(key) === modRevision) return;
    if (this.reported.size > 10_000) this.reported.clear();
    this.reported.set(key, modRevision);
    this.logger.warn('cluster store: skipped a bad record', { key, reason: String(reason) });
  }

  onChange(listener: (events: readonly ClusterEvent[]) => void): () => void {
    return this.store.onChange(listener);
  }

  /** (Re)writes this node's registration under its lease. */
  register(): Promise<void> {
    return this.store.putLeased(keys.node(this.self.id), this.self);
  }

  /**
   * Creates a global network with its name, subnets and driver claims (e.g. `vni/4097`).
   * A taken name is a 409 and a taken subnet a 403, as Docker; a taken driver claim is returned
   * so the caller can pick another one.
   */
  async createNetwork(network: Network, claims: readonly string[]): Promise<CreateOutcome> {
    const subnetKeys = network.ipam.configs.map((config) => keys.subnet(config.subnet));
    const compares: ClusterCompare[] = [keys.name(network.name), ...subnetKeys, ...claims].map((key) => ({ key, absent: true }));
    const ops: ClusterOp[] = [
      { op: 'put', key: keys.network(network.id), value: network },
      { op: 'put', key: keys.name(network.name), value: network.id },
      ...subnetKeys.map((key): ClusterOp => ({ op: 'put', key, value: network.id })),
      ...claims.map((key): ClusterOp => ({ op: 'put', key, value: network.id })),
    ];
    if (await this.store.txn(compares, ops)) return { ok: true };
    if ((await this.store.read(keys.name(network.name))).some((entry) => entry.key === keys.name(network.name))) {
      throw conflict('network-name-in-use', `network with name ${network.name} already exists`);
    }
    for (const key of subnetKeys) {
      if ((await this.store.read(key)).some((entry) => entry.key === key)) {
        throw forbidden('subnet-overlap', 'Pool overlaps with other one on this address space');
      }
    }
    return { ok: false, reason: 'claim' };
  }

  /** Removes a global network and everything under it; refused while any node has endpoints on it. */
  async removeNetwork(network: Network, claims: readonly string[]): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const [endpoints, revision] = await Promise.all([this.store.read(keys.endpointsOf(network.id)), this.store.read(keys.netrev(network.id))]);
      if (endpoints.length > 0) {
        throw forbidden('network-in-use', `error while removing network: network ${network.name} id ${network.id} has active endpoints`);
      }
      const rev = revision.find((entry) => entry.key === keys.netrev(network.id));
      const compares: ClusterCompare[] = [
        { key: keys.network(network.id), present: true },
        rev ? { key: rev.key, modRevision: rev.modRevision } : { key: keys.netrev(network.id), absent: true },
      ];
      const ops: ClusterOp[] = [
        { op: 'delete', key: keys.network(network.id) },
        { op: 'delete', key: keys.name(network.name) },
        ...network.ipam.configs.map((config): ClusterOp => ({ op: 'delete', key: keys.subnet(config.subnet) })),
        ...claims.map((key): ClusterOp => ({ op: 'delete', key })),
        { op: 'delete-prefix', key: keys.endpointsOf(network.id) },
        { op: 'delete-prefix', key: keys.addressesOf(network.id) },
        { op: 'delete-prefix', key: keys.slicesOf(network.id) },
        { op: 'delete-prefix', key: keys.sliceClaimsOf(network.id) },
        { op: 'delete', key: keys.netrev(network.id) },
      ];
      if (await this.store.txn(compares, ops)) return;
      if (!(await this.store.read(keys.network(network.id))).some((entry) => entry.key === keys.network(network.id))) return;
    }
    throw conflict('network-busy', `network ${network.name} is changing on another node; try again`);
  }

  /** Claims the endpoint's addresses and records it; false when an address was taken meanwhile. */
  async claimEndpoint(endpoint: ClusterEndpoint): Promise<boolean> {
    const addressKeys = addressesOf(endpoint).map((address) => keys.address(endpoint.networkId, address));
    return this.store.txn(
      [{ key: keys.network(endpoint.networkId), present: true }, ...addressKeys.map((key): ClusterCompare => ({ key, absent: true }))],
      [
        { op: 'put', key: keys.endpoint(endpoint.networkId, endpoint.id), value: endpoint },
        ...addressKeys.map((key): ClusterOp => ({ op: 'put', key, value: endpoint.id })),
        { op: 'put', key: keys.netrev(endpoint.networkId), value: endpoint.id },
      ],
    );
  }

  async releaseEndpoint(endpoint: Pick<ClusterEndpoint, 'id' | 'networkId' | 'ipv4Address' | 'ipv6Address'>): Promise<void> {
    const ops: ClusterOp[] = [
      { op: 'delete', key: keys.endpoint(endpoint.networkId, endpoint.id) },
      ...addressesOf(endpoint).map((address): ClusterOp => ({ op: 'delete', key: keys.address(endpoint.networkId, address) })),
    ];
    // A network already removed has no netrev to bump (and nothing left to release).
    if (this.network(endpoint.networkId)) ops.push({ op: 'put', key: keys.netrev(endpoint.networkId), value: endpoint.id });
    await this.store.txn([], ops);
  }

  /** Addresses claimed on a network right now (fresh read), for a retry after a lost race. */
  async claimedAddresses(networkId: string): Promise<string[]> {
    const prefix = keys.addressesOf(networkId);
    return (await this.store.read(prefix)).map((entry) => entry.key.slice(prefix.length));
  }

  /** Routed mode: claims `cidr` as this node's slice of the network; false when taken meanwhile. */
  claimSlice(networkId: string, cidr: string): Promise<boolean> {
    return this.store.txn(
      [{ key: keys.network(networkId), present: true }, { key: keys.sliceClaim(networkId, cidr), absent: true }, { key: keys.slice(networkId, this.self.id), absent: true }],
      [
        { op: 'put', key: keys.slice(networkId, this.self.id), value: cidr },
        { op: 'put', key: keys.sliceClaim(networkId, cidr), value: this.self.id },
      ],
    );
  }

  /**
   * Releases this node's endpoints the store still holds but the node no longer has (a container
   * removed while the store was unreachable, or during a crash). `isLocal` must also know
   * endpoints being connected right now (claimed in the store, not yet saved locally). Returns
   * how many were released.
   */
  async collect(isLocal: (endpointId: string) => boolean): Promise<number> {
    // Candidates are taken in one synchronous pass; each is checked again right before its release.
    const stale = this.networks()
      .flatMap((network) => this.endpointsOf(network.id))
      .filter((endpoint) => endpoint.nodeId === this.self.id && !isLocal(endpoint.id));
    let released = 0;
    for (const endpoint of stale) {
      if (isLocal(endpoint.id)) continue;
      await this.releaseEndpoint(endpoint);
      released += 1;
    }
    return released;
  }
}

function addressesOf(endpoint: Pick<ClusterEndpoint, 'ipv4Address' | 'ipv6Address'>): string[] {
  return [endpoint.ipv4Address, endpoint.ipv6Address].filter((cidr) => cidr !== '').map((cidr) => cidr.split('/')[0] ?? cidr);
}
