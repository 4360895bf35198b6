/**
 * The cluster's shared state as the engine sees it (cluster mode, `--cluster-store etcd://…`):
 * JSON values under keys relative to one prefix, changed by atomic multi-key transactions, and a
 * local mirror of every key kept current by watches. The mirror answers synchronously and keeps
 * answering (last known state) while the store is unreachable, so running containers are never
 * disturbed by an outage; anything that must write fails with EngineError 'unavailable' (503).
 *
 * etcd implements it (etcd/etcd-cluster-store.ts); MemoryClusterStore implements it for unit
 * tests, several "nodes" sharing one backing map.
 *
 * Key layout (relative; the implementation adds its prefix, default "/conet/v1/"):
 *   nodes/<nodeId>                 ClusterNode, under this node's lease
 *   networks/<networkId>           Network (global scope)
 *   names/<name>                   networkId: cluster-wide name claim
 *   subnets/<cidr with / as _>     networkId: cluster-wide subnet claim
 *   vni/<vni>                      networkId
 *   endpoints/<networkId>/<epId>   ClusterEndpoint
 *   ipam/<networkId>/<address>     epId: address claim
 *   netrev/<networkId>             counter bumped by every endpoint change (guards network rm)
 *   slices/<networkId>/<nodeId>    host-gw: the CIDR slice a node routes for
 */
export interface ClusterEntry<T = unknown> {
  key: string;
  value: T;
  /** etcd's mod_revision of the key (decimal string); compare against it for optimistic writes. */
  modRevision: string;
}

export type ClusterCompare =
  /** The key does not exist. */
  | { key: string; absent: true }
  /** The key exists. */
  | { key: string; present: true }
  /** The key was last modified at exactly this revision (unchanged since it was read). */
  | { key: string; modRevision: string };

export type ClusterOp =
  | { op: 'put'; key: string; value: unknown }
  | { op: 'delete'; key: string }
  /** Deletes every key starting with this prefix. */
  | { op: 'delete-prefix'; key: string };

export interface ClusterEvent {
  type: 'put' | 'delete';
  key: string;
  /** The new value for 'put'; the last known value for 'delete' when the mirror had it. */
  value?: unknown;
}

export interface ClusterNode {
  /** The daemon's id (64 hex). */
  id: string;
  /** Display name (hostname or the advertise address). */
  name: string;
  /** `--cluster-advertise`: the underlay address peers send VXLAN traffic and routes to. */
  address: string;
  /** When this registration was written (RFC 3339). */
  since: string;
}

export interface ClusterStore {
  /**
   * Connects, loads the mirror with every key under the prefix and starts watching. Rejects with
   * EngineError 'unavailable' when the store can't be reached within the timeout; a failed open()
   * may be called again.
   */
  open(): Promise<void>;
  /** The mirror (no I/O). */
  get<T>(key: string): ClusterEntry<T> | undefined;
  /** The mirror's entries whose key starts with `prefix`, sorted by key (no I/O). */
  list<T>(prefix: string): ClusterEntry<T>[];
  /** A fresh, linearizable read from the store; throws 'unavailable' (503) when unreachable. */
  read<T>(prefix: string): Promise<ClusterEntry<T>[]>;
  /**
   * If every compare holds, applies every op and resolves true; otherwise applies nothing and
   * resolves false. Throws EngineError 'unavailable' (503) when the store can't be reached within
   * the request timeout (a few seconds, never forever). The mirror reflects the result before
   * this resolves (read your own writes); after a failed compare it reflects the compared keys'
   * current state, so an optimistic retry sees what beat it. All ops share one revision. As in
   * etcd, a key may be put by only one op and not put by one op and deleted by another (incl.
   * delete-prefix): such a txn throws EngineError 'system'. A put makes the key unleased.
   */
  txn(compares: readonly ClusterCompare[], ops: readonly ClusterOp[]): Promise<boolean>;
  /**
   * Puts a key under this client's lease (TTL from the options): it vanishes from the store when
   * this process stops renewing it. The lease is renewed in the background; when it is lost (the
   * store unreachable for longer than the TTL) every leased key is written again under a new lease
   * as soon as the store is back. Throws 'unavailable' when unreachable; the key is then not
   * leased (call again). A later txn put or delete of the key takes it out of the lease.
   */
  putLeased(key: string, value: unknown): Promise<void>;
  /**
   * Called after the mirror changed, with what changed (own writes and others'), including the
   * differences found by the full reload after a reconnect. Returns an unsubscribe function.
   */
  onChange(listener: (events: readonly ClusterEvent[]) => void): () => void;
  /** false while the store is unreachable (the mirror is then possibly stale). */
  readonly connected: boolean;
  /**
   * Stops watching and renewing the lease. Does NOT revoke the lease: this node's leased keys
   * (its registration) stay until the TTL runs out, so peers keep their tables for containers
   * that go on running here and a quick restart finds its registration still in place.
   */
  close(): Promise<void>;
}

/** The endpoint record every node sees: the local Endpoint plus where it lives. */
export interface ClusterEndpoint {
  id: string;
  networkId: string;
  /** The node whose daemon owns the container (ClusterNode.id). */
  nodeId: string;
  containerId: string;
  /** Container name without the leading slash. */
  name: string;
  hostname: string;
  aliases: string[];
  macAddress: string;
  /** With prefix length ("10.0.0.2/24"), as Endpoint. */
  ipv4Address: string;
  ipv6Address: string;
}

/** subnets/<key>: '/' can't appear in one key segment. */
export function subnetKey(cidr: string): string {
  return `subnets/${cidr.replace('/', '_')}`;
}
