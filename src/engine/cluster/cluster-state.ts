/**
 * The engine's typed view of the cluster store: global networks, their endpoints on every node,
 * the live nodes and routed-mode slices, read from the store's mirror (no I/O), and the few
 * multi-key transactions that change them. Every claim (name, subnet, VNI, address, slice) is a
 * key created with an "absent" compare in the same transaction as the thing it guards, so two
 * nodes racing for the same one can't both win.
 */
import { conflict, forbidden } from '../../errors/index.js';
import type { ClusterEndpoint, ClusterNode, ClusterStore, ClusterCompare, ClusterOp, ClusterEvent } from '../../cluster/cluster-store.js';
import { keys } from '../../cluster/keys.js';
import type { Network } from '../../model/network.js';

export type CreateOutcome = { ok: true } | { ok: false; reason: 'claim' };

export class ClusterState {
  constructor(
    readonly store: ClusterStore,
    readonly self: ClusterNode,
  ) {}

  get selfId(): string {
    return this.self.id;
  }

  networks(): Network[] {
    return this.store.list<Network>(keys.networks).map((entry) => entry.value);
  }

  network(id: string): Network | undefined {
    return this.store.get<Network>(keys.network(id))?.value;
  }

  endpointsOf(networkId: string): ClusterEndpoint[] {
    return this.store.list<ClusterEndpoint>(keys.endpointsOf(networkId)).map((entry) => entry.value);
  }

  /** Nodes whose registration (lease) is alive. */
  nodes(): ClusterNode[] {
    return this.store.list<ClusterNode>(keys.nodes).map((entry) => entry.value);
  }

  node(id: string): ClusterNode | undefined {
    return this.store.get<ClusterNode>(keys.node(id))?.value;
  }

  /** Routed mode: every node's slice of a network. */
  slices(networkId: string): Array<{ nodeId: string; cidr: string }> {
    const prefix = keys.slicesOf(networkId);
    return this.store.list<string>(prefix).map((entry) => ({ nodeId: entry.key.slice(prefix.length), cidr: entry.value }));
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
