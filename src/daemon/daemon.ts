/**
 * Composition root: the only place that wires concrete implementations together, in this order:
 * configuration, kernel adapters, store, drivers, engine services, the engine's start-up, the API
 * server; signals stop it. Each step's wiring lives in a wire-*.ts file beside this one.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEngine } from '../engine/startup.js';
import { FirewallHealer } from '../firewall/firewall-healer.js';
import { lockDataRoot, type DataRootLock } from '../kernel/linux/data-root-lock.js';
import { onExec } from '../exec/index.js';
import { SqliteStore } from '../store/index.js';
import { configureFailpoints, parseFailpoints } from '../util/failpoint.js';
import { createLogger, type Logger } from '../util/logger.js';
import { startClusterMode } from './cluster-mode.js';
import { loadConfig, type DaemonConfig, type DaemonFlags } from './config.js';
import { loadConfinement } from './confinement.js';
import { daemonId } from './daemon-meta.js';
import { apiServices, serveApi, type ApiHandle } from './wire-api.js';
import { cniRoutes, wireCni } from './wire-cni.js';
import { wireDrivers } from './wire-drivers.js';
import { startUi, type UiHandle } from '../ui/index.js';
import { wireEngine } from './wire-engine.js';
import { linuxAdapters } from './wire-kernel.js';
import { startupDeps } from './wire-startup.js';

export interface RunningDaemon {
  config: DaemonConfig;
  stop(): Promise<void>;
}

/**
 * The data root, locked before anything else is touched (a second daemon on it stops here), the
 * exec root, and the pid file in the latter (returned: stop removes it).
 */
async function prepareRoots(config: DaemonConfig): Promise<{ pidFile: string; lock: DataRootLock }> {
  await mkdir(config.dataRoot, { recursive: true, mode: 0o700 });
  const lock = await lockDataRoot(config.dataRoot);
  await mkdir(config.execRoot, { recursive: true, mode: 0o700 });
  const pidFile = join(config.execRoot, 'conetd.pid');
  await writeFile(pidFile, `${process.pid}\n`);
  return { pidFile, lock };
}

/** The topology view (`--ui`, docs/ui.md), once the API it reads is up; a failure closes the API again. */
async function startView(config: DaemonConfig, api: ApiHandle, logger: Logger): Promise<UiHandle | undefined> {
  if (!config.ui) return undefined;
  return startUi(config.ui, { dockerSocket: config.host.slice('unix://'.length), logger }).catch(async (error: unknown) => {
    await api.close();
    throw error;
  });
}

export async function startDaemon(flags: DaemonFlags): Promise<RunningDaemon> {
  const config = await loadConfig(flags);
  // Parsed first (a typo stops the daemon before it changes anything), armed once start-up is done.
  const failpoints = parseFailpoints(process.env['CONET_FAILPOINTS']);
  // Before anything is created: a missing profile file stops the daemon here.
  const confinement = await loadConfinement(config);
  const logger = createLogger(config.logLevel);
  const stopLogging = onExec((result) => logger.debug('exec', { argv: result.argv, code: result.code, ms: Math.round(result.durationMs * 10) / 10 }));
  const { pidFile, lock } = await prepareRoots(config);
  const linux = linuxAdapters(logger);
  const store = new SqliteStore(join(config.dataRoot, 'conet.db'));
  const id = await daemonId(store);
  const daemonShortId = id.slice(0, 8);
  // Cluster mode: global (overlay) networks and their endpoints live in etcd.
  const clusterMode = config.cluster ? await startClusterMode(config.cluster, { nodeId: id, store, logger }) : undefined;
  const cluster = clusterMode?.cluster;
  const { drivers, firewall } = wireDrivers(config, { linux, logger, ...(cluster ? { cluster } : {}) });
  const engine = await wireEngine({ config, store, linux, drivers, firewall, logger, daemonShortId, confinement: confinement.runtime, ...(cluster ? { cluster } : {}) });
  // Watches for our nft table being deleted behind our back, once start-up has built it.
  const healer = new FirewallHealer(firewall, linux.firewallWatch, logger);
  const serve = async () => {
    const cni = await wireCni({ engine, store, linux, firewall, logger });
    await startEngine(startupDeps({ config, engine, store, linux, daemonShortId, logger, ...(clusterMode ? { clusterMode } : {}) }));
    if (failpoints.size > 0) logger.warn('failpoints armed (CONET_FAILPOINTS): this daemon fails on purpose', { failpoints: Object.fromEntries(failpoints) });
    configureFailpoints(failpoints);
    healer.start();
    const api = await serveApi(config.host, apiServices(engine, { id, config, linux, drivers, confinement: confinement.host, cgroups: await linux.cgroupFeatures(), logger }), logger, (router) => cniRoutes(router, cni.backend));
    return { api, ui: await startView(config, api, logger) };
  };
  const { api, ui } = await serve().catch(async (error: unknown) => {
    healer.close();
    engine.health.close();
    await clusterMode?.stop();
    engine.dns.close();
    engine.runtime.close();
    await store.close();
    await lock.release();
    stopLogging();
    throw error;
  });
  logger.info('daemon started', { host: config.host, dataRoot: config.dataRoot, execRoot: config.execRoot, pid: process.pid });
  // As Jupyter does: the URL with its token, to open once (it sets a cookie and drops the token).
  if (ui) logger.info('topology view: open this URL', { url: ui.url });
  return {
    config,
    async stop() {
      engine.execs.close();
      engine.health.close();
      healer.close();
      await ui?.close();
      await api.close();
      await clusterMode?.stop();
      engine.dns.close();
      engine.runtime.close();
      linux.close();
      await store.close();
      await rm(pidFile, { force: true });
      await lock.release();
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
