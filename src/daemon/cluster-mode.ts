/**
 * Cluster mode's share of the daemon (`--cluster-store`): the etcd store (opened, or started from
 * the copy of the cluster state saved by the last run when etcd stays away), this node's
 * registration, the copy kept up to date, and the collector that releases claims of endpoints this
 * node no longer has. The composition root (daemon.ts) wires the overlay driver to `cluster`.
 */
import { EtcdClusterStore } from '../cluster/etcd/etcd-cluster-store.js';
import type { ClusterEntry, ClusterStore } from '../cluster/cluster-store.js';
import { ClusterState } from '../engine/cluster/cluster-state.js';
import { put, type Store } from '../store/index.js';
import type { ClusterConfig } from './config.js';
import type { Logger } from '../util/logger.js';
import { logError } from '../util/log-error.js';

export interface ClusterMode {
  cluster: ClusterState;
  /** Releases stale claims now and every few seconds while the store is reachable. */
  startCollector(isLocal: (endpointId: string) => boolean): void;
  stop(): Promise<void>;
}

export async function startClusterMode(config: ClusterConfig, deps: { nodeId: string; store: Store; logger: Logger }): Promise<ClusterMode> {
  const { store, logger } = deps;
  const etcd = new EtcdClusterStore({ endpoints: config.endpoints, prefix: config.prefix, ttlSeconds: config.ttlSeconds, ...(config.tls ? { tls: config.tls } : {}), logger });
  await openClusterStore(etcd, store, logger);
  const stopSaving = saveClusterMirror(etcd, store, logger);
  const cluster = new ClusterState(etcd, { id: deps.nodeId, name: config.advertise, address: config.advertise, since: new Date().toISOString() }, logger);
  await registerNode(cluster, logger);
  let collector: NodeJS.Timeout | undefined;
  return {
    cluster,
    startCollector(isLocal) {
      // Claims of endpoints removed while etcd was away, or before a crash.
      const collect = (): void => {
        if (!etcd.connected) return;
        cluster.collect(isLocal).then(
          (released) => released > 0 && logger.info('released stale cluster endpoints', { released }),
          (error: unknown) => logger.debug('cluster collect', { error: String(error) }),
        );
      };
      collect();
      collector = setInterval(collect, 5_000);
      collector.unref();
    },
    async stop() {
      if (collector) clearInterval(collector);
      stopSaving();
      await etcd.close().catch(logError(logger, 'warn', 'closing the cluster store'));
    },
  };
}

const CLUSTER_MIRROR = 'cluster-mirror';

/**
 * Cluster mode starts once etcd answers. When it doesn't within 10 s and this node has a copy of
 * the cluster state saved from an earlier run, the daemon starts from that copy instead (running
 * containers, their overlay objects and names keep working; writes answer 503) and catches up
 * when etcd is back. Without a copy it gives up after 30 s with etcd's error.
 */
async function openClusterStore(clusterStore: EtcdClusterStore, store: Store, logger: Logger): Promise<void> {
  const started = Date.now();
  const saved = await store.get<ClusterEntry[]>('meta', CLUSTER_MIRROR);
  for (;;) {
    try {
      await clusterStore.open();
      return;
    } catch (error) {
      if (saved && Date.now() - started > 10_000) {
        logger.warn('cluster store unreachable: starting from the cluster state saved by the last run', { keys: saved.length, error: String(error) });
        await clusterStore.openOffline(saved);
        return;
      }
      if (Date.now() - started > 30_000) throw error;
      logger.warn('cluster store not reachable yet, retrying', { error: String(error) });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** Keeps a copy of the cluster mirror in the local store (at most one write a second). */
function saveClusterMirror(clusterStore: ClusterStore, store: Store, logger: Logger): () => void {
  let timer: NodeJS.Timeout | undefined;
  const save = (): void => {
    timer = undefined;
    store.commit([put('meta', CLUSTER_MIRROR, clusterStore.list(''))]).catch((error: unknown) => logger.warn('saving the cluster mirror', { error: String(error) }));
  };
  save();
  const unsubscribe = clusterStore.onChange(() => {
    timer ??= setTimeout(save, 1_000);
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}

/** Writes this node's registration, again and again while the store is away (an offline start). */
async function registerNode(cluster: ClusterState, logger: Logger): Promise<void> {
  try {
    await cluster.register();
  } catch (error) {
    logger.warn('node registration failed; retrying in the background', { error: String(error) });
    const retry = setInterval(() => {
      cluster.register().then(() => {
        clearInterval(retry);
        logger.info('node registered');
      }, () => undefined);
    }, 2_000);
    retry.unref();
  }
}

