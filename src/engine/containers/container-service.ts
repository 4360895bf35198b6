/**
 * Container use cases: create, start, stop, kill, wait, remove, inspect, list. A start runs the
 * network attach, port publishing, /etc files and the runtime as steps with undos; an exit
 * releases the network (as Docker does: a stopped container keeps no address), and the restart
 * policy may bring the container back (restart-policy.ts). Pause, rename and `docker update`'s
 * restart policy live here too.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { conflict, EngineError, invalid, notFound, system } from '../../errors/index.js';
import type { Container, LogConfig, LogLimits, RestartPolicy } from '../../model/container.js';
import type { Network } from '../../model/network.js';
import { ZERO_TIME } from '../../model/container.js';
import { del, put, type Store } from '../../store/index.js';
import { newId, timestamp } from '../../util/ids.js';
import { parseContainerPort } from '../../util/port-spec.js';
import { createLogger, type Logger } from '../../util/logger.js';
import { logError } from '../../util/log-error.js';
import { UndoStack } from '../../util/undo.js';
import { KeyedQueue } from '../../util/queue.js';
import { newContainer } from './new-container.js';
import { listContainers, type ContainerListQuery } from './container-list.js';
import type { CreateContainerRequest } from './create-request.js';
import { hostModeHostsFile, hostsFile, resolvConf, resolveExtraHosts } from './etc-files.js';
import { generateName, validateContainerName } from './names.js';
import { NetworkAttacher, networkNameOf, type AttachResult } from './network-attach.js';
import { linkSetup, mergeEnv, type LinkSetup } from './links.js';
import type { ContainerRuntime, ImageSource, PortPublisher, RuntimeSpec } from './dependencies.js';
import { normaliseSignal, parseSignal, signalNumber } from './signals.js';
import { policyRestarts, RestartSchedule } from './restart-policy.js';
import { upgradeStoredContainer } from './stored-container.js';
import { ContainerWaiters, isWaitCondition, waitFor } from './waiters.js';
import { StepClock } from './step-clock.js';
import { logLimitsOf, mergeLogConfig } from './log-options.js';
import { ContainerIndex } from '../engine-index.js';
import { checkBindSources, runtimeMounts, volumePlanOf, type VolumeMounter } from './mount-plan.js';
import { failpoint } from '../../util/failpoint.js';
import type { EventSink } from '../events/event-bus.js';
import { containerActor } from '../events/actors.js';

/** `docker rm`: -f kills a running container first; -v (and --rm) removes its anonymous volumes. */
export interface RemoveOptions {
  force?: boolean;
  volumes?: boolean;
}

export interface ContainerServiceDeps {
  store: Store;
  images: ImageSource;
  runtime: ContainerRuntime;
  attacher: NetworkAttacher;
  ports: PortPublisher;
  /** Where per-container directories live (<data-root>/containers). */
  directory: string;
  /** The host interface of a network (its bridge), for hairpin rules. */
  interfaceOf: (network: Network) => string;
  /** Lifecycle events with step timings (ms), logged by the daemon and read by benchmarks. */
  events?: (message: string, fields: Record<string, unknown>) => void;
  /** The host's /etc files, read at each start (they may change). */
  hostFiles?: { resolvConf: string; hosts: string };
  /** Embedded DNS for containers on user-defined networks (absent: plain resolv.conf everywhere). */
  dns?: ContainerDnsSetup;
  /** Failures off the request path (rollback steps, clean-ups); stderr at warn when absent. */
  logger?: Logger;
  /** Where the containers are kept, shared with readers (images, DNS, the attacher); absent: a private one. */
  index?: ContainerIndex;
  /** The daemon's `log-driver`/`log-opts`, validated: filled into each create's log config. */
  logDefaults?: LogConfig;
  /** `docker events`: create, start, kill, die, stop, restart, destroy (absent: none). */
  bus?: EventSink;
  /** Gives volume mounts their directories; absent, a volume mount fails its start. */
  volumes?: VolumeMounter;
}

/** A restart by policy, timed from the exit (its steps are logged with the start's as one line). */
interface RestartTiming {
  clock: StepClock;
  /** When the daemon saw the exit (epoch ms): a benchmark subtracts its kill time. */
  exitSeenAt: number;
}

export interface ResolverTarget {
  address: string;
  port: number;
}

export interface ContainerDnsSetup {
  /** Where a container with these endpoints reaches the resolver; undefined when none of its networks has embedded DNS. */
  targetFor(endpoints: AttachResult['endpoints']): ResolverTarget | undefined;
  /** The 127.0.0.11 rules in the container's namespace (idempotent) and the resolver's listeners there. */
  install(netnsPath: string, target: ResolverTarget, containerId: string): Promise<void>;
  /** The container went (exit, failed start, left its last DNS network): the listeners the daemon holds in its namespace close. */
  release?(containerId: string): void;
}

/** Told when a container's process starts (or is adopted after a daemon restart) and when it exits. */
export interface ContainerLifecycle {
  started?(container: Container, how: 'start' | 'adopt'): void;
  exited?(container: Container): void;
}

export class ContainerService {
  private readonly containers: ContainerIndex;
  /**
   * The release after an exit (network, ports, runtime clean-up; conmon may linger), registered
   * the moment the exit is seen: start and remove await it, so a new start never meets the old
   * namespace being torn down.
   */
  private readonly cleanups = new Map<string, Promise<void>>();
  /** Names taken by creates not yet stored, with the id they were taken for. */
  private readonly reservedNames = new Map<string, string>();
  private readonly locks = new KeyedQueue();
  /** Where each running container's 127.0.0.11 rules point ("address:port"). */
  private readonly dnsTargets = new Map<string, string>();
  /** Exited containers whose restart by policy is pending: their network and root overlay stay for the next run. */
  private readonly keptNetworks = new Set<string>();
  readonly waiters = new ContainerWaiters();
  private readonly removalListeners: Array<(id: string) => void> = [];
  private readonly lifecycleListeners: ContainerLifecycle[] = [];
  /** Pending restarts by policy, each container's backoff and whether a user cancelled them. */
  private readonly restarts = new RestartSchedule();

  private readonly logger: Logger;

  constructor(private readonly deps: ContainerServiceDeps) {
    this.logger = deps.logger ?? createLogger('warn');
    this.containers = deps.index ?? new ContainerIndex();
  }

  async load(): Promise<void> {
    for (const stored of await this.deps.store.list<Container>('container')) {
      const container = upgradeStoredContainer(stored);
      this.containers.set(container.id, container);
    }
  }

  all(): Container[] {
    return this.containers.all();
  }

  /** `docker ps`; `networksOf` names the networks a container shows (the network filter). */
  list(query: ContainerListQuery, networksOf: (container: Container) => string[]): Container[] {
    return listContainers(this.all(), query, networksOf);
  }

  /** Docker's lookup: full id, exact name, unique id prefix. */
  find(reference: string): Container | undefined {
    return this.containers.find(reference);
  }

  get(reference: string): Container {
    const container = this.find(reference);
    if (!container) throw notFound('container-not-found', `No such container: ${reference}`);
    return container;
  }

  directoryOf(id: string): string {
    return join(this.deps.directory, id);
  }

  /** The live log file (inspect's LogPath): rotated ones sit beside it as .1, .2 … */
  logPathOf(id: string): string {
    return this.deps.runtime.logPathOf(this.directoryOf(id));
  }

  /** Where the log rotates: the container's own config, or (records from before) the daemon's defaults. */
  private logLimits(container: Container): LogLimits {
    return logLimitsOf(container.hostConfig.logConfig ?? mergeLogConfig(undefined, this.deps.logDefaults));
  }

  async create(request: CreateContainerRequest, name?: string): Promise<{ id: string; warnings: string[] }> {
    const image = this.deps.images.find(request.config.image);
    if (!image) {
      const reference = request.config.image.includes(':') ? request.config.image : `${request.config.image}:latest`;
      throw notFound('no-such-image', `No such image: ${reference}`);
    }
    // As Docker's registerLinks: every linked container must exist when the link is made.
    for (const link of request.hostConfig.links ?? []) if (!this.find(link.name)) throw invalid('link-not-found', `could not get container for ${link.name}`);
    await checkBindSources(request.hostConfig.mounts ?? []);
    const id = newId();
    const chosen = name ? validateContainerName(name) : generateName((candidate) => this.holderOf(candidate) !== undefined);
    // Reserved before the first await: a parallel create of the same name sees it (moby's registrar).
    this.reserveName(chosen, id);
    const undo = new UndoStack();
    undo.push(`release the name ${chosen}`, () => this.reservedNames.delete(chosen));
    try {
      const logConfig = mergeLogConfig(request.hostConfig.logConfig, this.deps.logDefaults);
      const container = newContainer(id, chosen, { ...request, hostConfig: { ...request.hostConfig, logConfig } }, image);
      if (this.deps.volumes?.plan) container.hostConfig.mounts = await this.deps.volumes.plan(volumePlanOf(request, image), undo);
      undo.push(`remove the directory of ${id}`, () => rm(this.directoryOf(id), { recursive: true, force: true }));
      await mkdir(this.directoryOf(id), { recursive: true });
      failpoint('container.create.after-dir');
      undo.push(`forget container ${id}`, () => this.containers.delete(id));
      await this.save(container);
      undo.push(`delete the record of ${id}`, () => this.deps.store.commit([del('container', id)]));
      failpoint('container.create.after-store');
      this.emit(container, 'create');
    } catch (error) {
      await undo.rollback(this.logger, { container: id, action: 'create' });
      throw error;
    }
    // Stored and indexed: the index holds the name from now on.
    this.reservedNames.delete(chosen);
    return { id, warnings: request.warnings };
  }

  /** The id of the container that has (or is being created with) the name. */
  private holderOf(name: string): string | undefined {
    return this.reservedNames.get(name) ?? this.all().find((container) => container.name === name)?.id;
  }

  private reserveName(name: string, id: string): void {
    const holder = this.holderOf(name);
    if (holder) {
      throw conflict('container-name-in-use', `Conflict. The container name "/${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`);
    }
    this.reservedNames.set(name, id);
  }

  /**
   * Runs `task` under the container's lock: start, stop, restart, rm, connect and disconnect of
   * one container never interleave (two starts would build two namespaces; rm during a start
   * would leave the start's namespace behind). The container is looked up again inside, so a
   * request that waited behind an rm gets the 404. Tasks never take the lock again (no nesting):
   * restart and the --rm clean-up of a failed start call the unlocked steps.
   */
  locked<T>(reference: string, task: (container: Container) => Promise<T>): Promise<T> {
    const { id } = this.get(reference);
    return this.locks.run(id, async () => task(this.get(id)));
  }

  /** Returns false when it was already running (the API answers 304). */
  start(reference: string): Promise<boolean> {
    return this.locked(reference, (container) => this.startManually(container));
  }

  /**
   * A start a user (or the daemon's start) asked for: as Docker's, it begins a fresh restart
   * manager (backoff, RestartCount) and clears the manual stop.
   */
  private startManually(container: Container): Promise<boolean> {
    if (container.state.status === 'running') return Promise.resolve(false);
    this.restarts.reset(container.id);
    container.restartCount = 0;
    delete container.manuallyStopped;
    return this.startNow(container);
  }

  /** What the runtime is given to start a container's process. */
  private runtimeSpec(container: Container, netnsPath: string | undefined, etc: RuntimeSpec['etc'], dnsReady: RuntimeSpec['ready'], mounts: RuntimeSpec['mounts'], linkEnv: readonly string[] = []): RuntimeSpec {
    return {
      id: container.id,
      imageLayers: this.deps.images.layersOf(container.imageId),
      directory: this.directoryOf(container.id),
      args: [container.path, ...container.args],
      env: mergeEnv(linkEnv, container.config.env),
      cwd: container.config.workingDir || '/',
      user: container.config.user,
      hostname: container.config.hostname,
      tty: container.config.tty,
      openStdin: container.config.openStdin,
      stdinOnce: container.config.stdinOnce,
      ...(netnsPath ? { netnsPath } : {}),
      etc,
      capabilities: container.hostConfig.capabilities,
      security: container.hostConfig.security,
      isolation: container.hostConfig.isolation,
      ...(dnsReady ? { ready: dnsReady } : {}),
      log: this.logLimits(container),
      ...(mounts && mounts.length > 0 ? { mounts } : {}),
      ...(container.hostConfig.resources ? { resources: container.hostConfig.resources } : {}),
    };
  }

  /** `restart`: a start by the restart policy, its clock already running (logged as one line). */
  private async startNow(container: Container, restart?: RestartTiming): Promise<boolean> {
    if (container.state.status === 'running') return false;
    await this.cleanups.get(container.id);
    restart?.clock.mark('release');
    const clock = restart?.clock ?? new StepClock();
    const undo = new UndoStack();
    const before = container.state;
    try {
      const mounts = await runtimeMounts(container.hostConfig.mounts ?? [], container.id, this.deps.volumes);
      const { attached, dnsReady, embeddedDns } = await this.startNetwork(container, undo, clock);
      const links = this.linksOf(container);
      const etc = await this.writeEtcFiles(container, attached, embeddedDns || this.joinsEmbeddedDns(container), links.hosts);
      clock.mark('etc');
      const { pid, steps } = await this.deps.runtime.start(this.runtimeSpec(container, attached.netnsPath, etc, dnsReady, mounts, links.env));
      undo.push(`stop the process of ${container.id}`, () => this.stopStarted(container.id));
      clock.mark('runtime');
      for (const [step, ms] of Object.entries(steps ?? {})) clock.steps[`runtime.${step}`] = ms;
      failpoint('container.start.after-runtime');
      if (dnsReady) clock.steps['dns'] = await dnsReady;
      container.state = { status: 'running', pid, exitCode: 0, error: '', startedAt: timestamp(), finishedAt: ZERO_TIME, ...(before.health ? { health: before.health } : {}) };
      await this.save(container);
      clock.mark('store');
      failpoint('container.start.after-store');
      this.keptNetworks.delete(container.id);
      if (restart) this.deps.events?.('container restarted', { id: container.id, exitSeenAt: restart.exitSeenAt, steps: clock.steps });
      else this.deps.events?.('container started', { id: container.id, mode: container.hostConfig.networkMode, steps: clock.steps });
      this.emit(container, 'start');
    } catch (error) {
      this.deps.dns?.release?.(container.id);
      if (this.keptNetworks.delete(container.id)) {
        await this.deps.runtime.cleanup(container.id, this.directoryOf(container.id)).catch(logError(this.logger, 'warn', 'unmounting the root after a failed restart', { container: container.id }));
        await this.releaseNetwork(container);
      }
      await undo.rollback(this.logger, { container: container.id, action: 'start' });
      container.sandbox = '';
      container.ports = [];
      // The state as before the start (never "running": the process was stopped above), with the error.
      container.state = { ...before, error: error instanceof Error ? error.message : String(error) };
      await this.save(container).catch(logError(this.logger, 'warn', 'saving a failed start', { container: container.id }));
      // As Docker: a --rm container that fails to start is removed, or `docker run --rm` (which
      // waits for condition=removed after a failed start) would wait forever.
      if (container.hostConfig.autoRemove) await this.removeNow(container, { force: true, volumes: true }).catch(logError(this.logger, 'warn', 'removing a --rm container after a failed start', { container: container.id }));
      throw error;
    }
    this.monitor(container);
    return true;
  }

  /**
   * The network side of a start: attached, DNS listeners on their way, ports published. A restart
   * by policy finds the network its last run kept (keptNetworks) and uses it as it is.
   */
  private async startNetwork(container: Container, undo: UndoStack, clock: StepClock): Promise<{ attached: AttachResult; dnsReady?: Promise<number>; embeddedDns: boolean }> {
    if (this.keptNetworks.has(container.id) && container.sandbox) {
      const attached = this.deps.attacher.current(container);
      clock.mark('network');
      return { attached, embeddedDns: this.dnsTargets.has(container.id) };
    }
    const attached = await this.deps.attacher.attach(container, undo);
    clock.mark('network');
    failpoint('container.start.after-network');
    container.sandbox = attached.sandbox;
    // The resolver's side of the namespace is one nft process (the rules) and one Node child
    // (the listeners), side by side: they run while the runtime creates the container, which
    // waits for them before starting the process, so its first query already finds them.
    const dnsTarget = attached.netnsPath ? this.deps.dns?.targetFor(attached.endpoints) : undefined;
    const dnsReady = dnsTarget && attached.netnsPath ? this.installDns(container.id, attached.netnsPath, dnsTarget) : undefined;
    // Only marks the rejection handled: the runtime (ready) and the start's await both see it.
    dnsReady?.catch(() => undefined);
    container.ports = await this.publish(container, attached, undo);
    clock.mark('ports');
    failpoint('container.start.after-ports');
    return { attached, ...(dnsReady ? { dnsReady } : {}), embeddedDns: dnsTarget !== undefined };
  }

  /** Undo of a runtime start: the process is killed, its exit awaited, its runtime state dropped. */
  private async stopStarted(id: string): Promise<void> {
    const exited = this.deps.runtime.waitExit(id);
    await this.deps.runtime.kill(id, 'SIGKILL');
    // Bounded: a rollback must not hang the request; cleanup's `runc delete --force` ends it anyway.
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    await this.deps.runtime.cleanup(id, this.directoryOf(id));
  }

  private async publish(container: Container, attached: AttachResult, undo: UndoStack): Promise<Container['ports']> {
    const first = attached.endpoints[0];
    const { portBindings, publishAllPorts } = container.hostConfig;
    if (!first || (portBindings.length === 0 && !publishAllPorts)) return [];
    if (first.endpoint.ipv4Address === '') throw invalid('ports-ipv6-only', `conet does not publish ports of a container on an IPv6-only network (${first.network.name}) yet`);
    undo.push('unpublish ports', () => this.deps.ports.unpublish(container.id));
    return this.deps.ports.publish({
      containerId: container.id,
      containerName: container.name,
      bindings: portBindings,
      // EXPOSE entries (the request's and the image's) count only for -P, and are read only then.
      exposedPorts: publishAllPorts ? Object.keys(container.config.exposedPorts).map(parseContainerPort) : [],
      publishAll: publishAllPorts,
      network: { id: first.network.id, bridge: this.deps.interfaceOf(first.network), internal: first.network.internal },
      containerAddress: first.endpoint.ipv4Address.split('/')[0] ?? '',
      ...address6(first.endpoint.ipv6Address),
      endpointId: first.endpoint.id,
    });
  }

  private async installDns(containerId: string, netnsPath: string, target: ResolverTarget): Promise<number> {
    const started = performance.now();
    await this.deps.dns?.install(netnsPath, target, containerId);
    this.dnsTargets.set(containerId, `${target.address}:${target.port}`);
    return Math.round((performance.now() - started) * 10) / 10;
  }

  /** `--network container:X` shares X's namespace, rules included: it gets X's resolver too. */
  private joinsEmbeddedDns(container: Container): boolean {
    const mode = container.hostConfig.networkMode;
    const target = mode.startsWith('container:') ? this.find(mode.slice('container:'.length)) : undefined;
    return target !== undefined && this.dnsTargets.has(target.id);
  }

  /**
   * Recovery: the listeners in an adopted container's namespace lived in the previous daemon
   * process, and this one's resolver port may differ: sockets and rules again (the rules replace
   * the old ones in one nft transaction).
   */
  async adoptDns(container: Container, endpoints: AttachResult['endpoints']): Promise<void> {
    const target = this.deps.dns?.targetFor(endpoints);
    if (!target || !container.sandbox) return;
    await this.installDns(container.id, this.deps.attacher.netnsPathOf(container.sandbox), target).catch(logError(this.logger, 'warn', 'dns of adopted container', { container: container.id }));
  }

  /** Left its last DNS network: its listeners close (the rules lead nowhere then: refused, as Docker's). */
  private dropDns(containerId: string, had: boolean): void {
    if (!had) return;
    this.deps.dns?.release?.(containerId);
    this.dnsTargets.delete(containerId);
  }

  /**
   * After a live connect or disconnect: give the container the resolver's rules and listeners
   * when it joined its first DNS network (closing them when it left its last), and switch its
   * resolv.conf to the embedded resolver then (Docker does the same for a default-bridge
   * container).
   */
  async refreshDns(container: Container, endpoints: AttachResult['endpoints']): Promise<void> {
    if (!this.deps.dns || container.state.status !== 'running' || !container.sandbox) return;
    const target = this.deps.dns.targetFor(endpoints);
    const had = this.dnsTargets.has(container.id);
    if (!target) return this.dropDns(container.id, had);
    if (this.dnsTargets.get(container.id) === `${target.address}:${target.port}`) return;
    await this.installDns(container.id, this.deps.attacher.netnsPathOf(container.sandbox), target);
    if (had) return;
    const path = join(this.directoryOf(container.id), 'resolv.conf');
    // No host resolv.conf: resolvConf() falls back to Docker's default nameservers.
    const hostResolv = this.deps.hostFiles?.resolvConf ?? (await readFile('/etc/resolv.conf', 'utf8').catch(() => ''));
    const { dns, dnsSearch, dnsOptions } = container.hostConfig;
    // Written in place (same inode): the file is bind-mounted into the running container.
    await writeFile(path, resolvConf({ host: hostResolv, dns, dnsSearch, dnsOptions, keepLoopback: false, embedded: true }));
  }

  /** Legacy links on the default bridge (links.ts); on other networks they are DNS aliases instead. */
  private linksOf(container: Container): LinkSetup {
    if (networkNameOf(container.hostConfig.networkMode) !== 'bridge') return { env: [], hosts: [] };
    return linkSetup(container, { find: (reference) => this.find(reference), bridgeAddressOf: (id) => this.deps.attacher.bridgeAddressOf(id) });
  }

  private async writeEtcFiles(container: Container, attached: AttachResult, embeddedDns: boolean, linkHosts: readonly string[] = []): Promise<{ hosts: string; hostname: string; resolvConf: string }> {
    const directory = this.directoryOf(container.id);
    const paths = { hosts: join(directory, 'hosts'), hostname: join(directory, 'hostname'), resolvConf: join(directory, 'resolv.conf') };
    // No host resolv.conf: resolvConf() falls back to Docker's default nameservers.
    const hostResolv = this.deps.hostFiles?.resolvConf ?? (await readFile('/etc/resolv.conf', 'utf8').catch(() => ''));
    const host = container.hostConfig.networkMode === 'host';
    const extraHosts = [...resolveExtraHosts(container.hostConfig.extraHosts, this.deps.attacher.hostGatewayAddress()), ...linkHosts];
    const hosts = host
      ? hostModeHostsFile(this.deps.hostFiles?.hosts ?? (await readFile('/etc/hosts', 'utf8').catch(() => '127.0.0.1\tlocalhost\n')), extraHosts) // no host /etc/hosts: localhost only
      : hostsFile({
          hostname: container.config.hostname,
          domainname: container.config.domainname,
          addresses: attached.endpoints.map(({ endpoint }) => endpoint.ipv4Address.split('/')[0] ?? '').filter(Boolean),
          extraHosts,
        });
    const { dns, dnsSearch, dnsOptions } = container.hostConfig;
    await Promise.all([
      writeFile(paths.hosts, hosts),
      writeFile(paths.hostname, `${container.config.hostname}\n`),
      writeFile(paths.resolvConf, resolvConf({ host: hostResolv, dns, dnsSearch, dnsOptions, keepLoopback: host, embedded: embeddedDns })),
    ]);
    return paths;
  }

  /** Recovery: a container that died while the daemon was away. */
  async markExited(id: string, code: number): Promise<void> {
    const container = this.get(id);
    container.state = { ...container.state, status: 'exited', pid: 0, exitCode: code, finishedAt: timestamp() };
    container.sandbox = '';
    container.ports = [];
    await this.deps.runtime.cleanup(id, this.directoryOf(id)).catch(logError(this.logger, 'warn', 'runtime clean-up of an exited container', { container: id }));
    await this.save(container);
  }

  /** Recovery: drops runtime leftovers (a start cut short by a crash) of a container not running. */
  async cleanupRuntime(id: string): Promise<void> {
    await this.deps.runtime.cleanup(id, this.directoryOf(id)).catch(logError(this.logger, 'warn', 'runtime clean-up of a stray start', { container: id }));
  }

  /**
   * Recovery: directories under the containers directory that belong to no container (a crash
   * between a create's mkdir and its store write, or between an rm's store delete and its clean-up).
   * Only names that are container ids count: nothing else in the directory is ours to judge.
   */
  async strayDirectories(): Promise<string[]> {
    const entries = await readdir(this.deps.directory).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    });
    return entries.filter((name) => /^[0-9a-f]{64}$/.test(name) && !this.containers.has(name));
  }

  /** Recovery: runtime state, mounts and directory of a container without a record. */
  async removeStray(id: string): Promise<void> {
    await this.deps.runtime.remove(id, this.directoryOf(id));
  }

  /** Recovery: watch an adopted container's exit again. */
  adopt(id: string): void {
    const container = this.get(id);
    this.deps.runtime.resumeLog?.(id, this.directoryOf(id), this.logLimits(container));
    this.monitor(container, 'adopt');
  }

  private monitor(container: Container, how: 'start' | 'adopt' = 'start'): void {
    const id = container.id;
    for (const listener of this.lifecycleListeners) listener.started?.(container, how);
    this.deps.runtime.waitExit(id).then(
      (code) => this.exited(id, code),
      (error: unknown) => this.exited(id, 128, error instanceof Error ? error.message : String(error)),
    );
  }

  /**
   * Not under the container's lock: stop and rm -f hold it while they wait for this exit. The
   * release is registered in `cleanups` before the first await, and start waits for it.
   */
  private exited(id: string, code: number, error = ''): void {
    const container = this.containers.get(id);
    if (!container || container.state.status !== 'running') return;
    const restart = !this.restarts.isCancelled(id) && policyRestarts(container.hostConfig.restartPolicy, { exitCode: code, manuallyStopped: container.manuallyStopped === true, restartCount: container.restartCount });
    const { startedAt } = container.state;
    // The health log stays (as Docker's); a pause ends with the process.
    container.state = { ...container.state, status: restart ? 'restarting' : 'exited', pid: 0, exitCode: code, error, finishedAt: timestamp(), paused: undefined };
    if (restart) {
      container.restartCount += 1;
      // Its namespace, addresses, ports, DNS and root overlay stay for the next run (still valid:
      // nothing else can take them meanwhile); only runc's state goes. Dropped if it doesn't restart.
      this.keptNetworks.add(id);
      // Timed from the exit: the start awaits the release below, so the backoff overlaps it.
      this.scheduleRestart(id, Date.now() - Date.parse(startedAt), { clock: new StepClock(), exitSeenAt: Date.now() });
    }
    this.emit(container, 'die', { exitCode: String(code) });
    for (const listener of this.lifecycleListeners) listener.exited?.(container);
    const released: Promise<void> = this.releaseExited(container, code)
      .catch(logError(this.logger, 'warn', 'releasing an exited container', { container: id }))
      .finally(() => {
        if (this.cleanups.get(id) === released) this.cleanups.delete(id);
      });
    this.cleanups.set(id, released);
  }

  private scheduleRestart(id: string, ranMs: number, timing: RestartTiming): void {
    this.restarts.schedule(id, this.restarts.delayFor(id, ranMs), () => {
      timing.clock.mark('backoff');
      void this.locks.run(id, () => this.restartByPolicy(id, timing)).catch(logError(this.logger, 'warn', 'restarting a container by its policy', { container: id }));
    });
  }

  /** A failed restart leaves it exited, as Docker's (no further attempts). */
  private async restartByPolicy(id: string, timing: RestartTiming): Promise<void> {
    const container = this.containers.get(id);
    if (!container || container.state.status !== 'restarting') return;
    timing.clock.mark('lock');
    try {
      await this.startNow(container, timing);
    } catch (error) {
      container.state = { ...container.state, status: 'exited' };
      await this.save(container);
      throw error;
    }
  }

  /**
   * Daemon start (a host reboot is one): the containers whose policy brings them back after the
   * exit they had, as Docker's restore: `always` even after a stop, `unless-stopped` not after
   * one, `on-failure` after a non-zero exit. A record left "restarting" that isn't due is exited.
   */
  async startByPolicy(): Promise<string[]> {
    const due = this.all().filter((container) => dueAtDaemonStart(container));
    for (const container of this.all().filter((candidate) => candidate.state.status === 'restarting' && !due.includes(candidate))) {
      container.state = { ...container.state, status: 'exited' };
      // The network its exit kept is gone with the daemon (recovery removed it).
      container.sandbox = '';
      container.ports = [];
      await this.save(container);
    }
    const start = (id: string) => this.locks.run(id, async () => {
      const current = this.containers.get(id);
      if (current) await this.startManually(current);
    });
    await Promise.all(due.map(({ id }) => start(id).catch(logError(this.logger, 'warn', 'starting a container by its restart policy', { container: id }))));
    return due.map(({ id }) => id);
  }

  private async releaseExited(container: Container, code: number): Promise<void> {
    const id = container.id;
    const clock = new StepClock();
    // The runtime's clean-up (runc delete, the overlay) needs nothing of the network: it runs alongside.
    const keep = this.keptNetworks.has(id);
    const cleanup = this.deps.runtime.cleanup(id, this.directoryOf(id), { keepRootfs: keep }).catch(logError(this.logger, 'warn', 'runtime clean-up of an exited container', { container: id }));
    if (!keep) {
      await this.releaseNetwork(container);
      container.sandbox = '';
      container.ports = [];
    }
    clock.mark('network');
    await this.save(container).catch(logError(this.logger, 'warn', 'saving an exit', { container: id }));
    this.deps.events?.('container exited', { id, exitCode: code, steps: clock.steps });
    this.waiters.exited(id, code);
    // Not awaited: the remove takes the container's lock and then awaits this very release. A
    // `docker rm -f` that holds the lock now has removed it by the time the lock is free.
    if (container.hostConfig.autoRemove) {
      const remove = async () => {
        const current = this.containers.get(id);
        if (current) await this.removeNow(current, { force: true, volumes: true });
      };
      void this.locks.run(id, remove).catch(logError(this.logger, 'warn', 'removing an exited --rm container', { container: id }));
    }
    await cleanup;
  }

  /**
   * `signal`: "KILL", "SIGKILL" or a number (Docker's 400 for anything else). Not under the lock:
   * a signal changes no engine state, and `docker kill` must reach a container whose `stop` waits.
   */
  async kill(reference: string, signal = 'SIGKILL'): Promise<void> {
    signal = normaliseSignal(signal);
    const container = this.get(reference);
    if (container.state.status === 'restarting') {
      await this.stopRestarting(container);
      await this.locks.run(container.id, () => this.dropKeptNetwork(container.id));
      return;
    }
    if (container.state.status !== 'running') throw conflict('container-not-running', `Container ${container.id} is not running`);
    // Docker's: any kill is a manual stop; the stop signal (any signal without one) and KILL also
    // cancel the restart of this exit and thaw a paused container so the signal lands.
    const stopSignal = container.config.stopSignal;
    const cancels = !stopSignal || sameSignal(signal, 'SIGKILL') || sameSignal(signal, stopSignal);
    container.manuallyStopped = true;
    if (cancels) this.restarts.cancel(container.id);
    await this.save(container);
    if (cancels) return this.signalThawed(container, signal, 'throw');
    // Before the signal: the kill event precedes the die it causes (the exit may be seen before kill returns).
    this.emit(container, 'kill', { signal: signalNumber(signal) });
    await this.deps.runtime.kill(container.id, signal);
  }

  /**
   * Signals the process, then thaws a paused one (a frozen process can't act on it: Docker
   * unpauses on stop). `onError`: 'log' where the process may just have exited.
   */
  private async signalThawed(container: Container, signal: string, onError: 'throw' | 'log' = 'log'): Promise<void> {
    const paused = container.state.paused === true;
    if (onError === 'log') await this.signal(container, signal, `${signal} (the process may have just exited)`);
    else {
      this.emit(container, 'kill', { signal: signalNumber(signal) });
      await this.deps.runtime.kill(container.id, signal);
    }
    if (!paused) return;
    await this.deps.runtime.resume(container.id).catch(logError(this.logger, 'warn', 'thawing a paused container after a signal', { container: container.id }));
    if (container.state.paused) container.state = { ...container.state, paused: false };
  }

  /** DNS listeners, published ports and namespace of a container that no longer runs; each step logs its failure. */
  private async releaseNetwork(container: Container): Promise<void> {
    const id = container.id;
    this.deps.dns?.release?.(id);
    this.dnsTargets.delete(id);
    // Ports and namespace go in parallel: each is one process.
    await Promise.all([
      this.deps.ports.unpublish(id).catch(logError(this.logger, 'warn', 'unpublishing ports of an exited container', { container: id })),
      this.deps.attacher.release(container).catch(logError(this.logger, 'warn', 'releasing the network of an exited container', { container: id })),
    ]);
  }

  /** The network and root overlay an exit kept for a restart that won't come (stop, kill, rm -f): released. Under the lock. */
  private async dropKeptNetwork(id: string): Promise<void> {
    const container = this.containers.get(id);
    if (!container || !this.keptNetworks.has(id) || container.state.status === 'running') return;
    this.keptNetworks.delete(id);
    await this.cleanups.get(id);
    await this.deps.runtime.cleanup(id, this.directoryOf(id)).catch(logError(this.logger, 'warn', 'unmounting the root of a container that won\'t restart', { container: id }));
    await this.releaseNetwork(container);
    container.sandbox = '';
    container.ports = [];
    await this.save(container).catch(logError(this.logger, 'warn', 'saving a released network', { container: id }));
  }

  /** Stop or kill while a restart is pending: it is cancelled and the container stays exited. */
  private async stopRestarting(container: Container): Promise<boolean> {
    this.restarts.cancel(container.id);
    container.manuallyStopped = true;
    container.state = { ...container.state, status: 'exited' };
    await this.save(container);
    return true;
  }

  /**
   * Returns false when it wasn't running (304). `timeoutSeconds` (the query's `t`) and `signal`
   * override the container's `--stop-timeout` (10 s when unset; negative waits for ever) and
   * `--stop-signal` (SIGTERM when unset); KILL follows the timeout.
   */
  stop(reference: string, timeoutSeconds?: number, signal?: string): Promise<boolean> {
    return this.locked(reference, (container) => this.stopNow(container, timeoutSeconds, signal));
  }

  private async stopNow(container: Container, timeoutSeconds?: number, signal?: string): Promise<boolean> {
    if (container.state.status === 'restarting') {
      await this.stopRestarting(container);
      await this.dropKeptNetwork(container.id);
      return true;
    }
    if (container.state.status !== 'running') return false;
    this.restarts.cancel(container.id);
    container.manuallyStopped = true;
    const exited = this.waiters.nextExit(container.id);
    await this.signalThawed(container, signal ?? stopSignalOf(container));
    const seconds = timeoutSeconds ?? container.config.stopTimeout ?? 10;
    if (seconds < 0) {
      await exited;
      return true;
    }
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), seconds * 1000).unref());
    if ((await Promise.race([exited, timer])) === 'timeout') {
      await this.signal(container, 'SIGKILL', 'SIGKILL on stop timeout (the process may have just exited)');
      await exited;
    }
    this.emit(container, 'stop');
    return true;
  }

  /** A signal the daemon sends itself (stop, rm -f), with Docker's kill event first (it precedes the die). */
  private async signal(container: Container, signal: string, failure: string): Promise<void> {
    if (container.state.status === 'running') this.emit(container, 'kill', { signal: signalNumber(signal) });
    await this.deps.runtime.kill(container.id, signal).catch(logError(this.logger, 'debug', failure, { container: container.id }));
  }

  /** Docker's container event: the labels, image and name as attributes, with `extra`. */
  emit(container: Container, action: string, extra: Record<string, string> = {}): void {
    this.deps.bus?.emit('container', action, containerActor(container, extra));
  }

  /** `docker restart`: a stop (when running) then a start, under one hold of the lock. */
  async restart(reference: string, timeoutSeconds?: number, signal?: string): Promise<void> {
    await this.locked(reference, async (container) => {
      await this.stopNow(container, timeoutSeconds, signal);
      await this.startManually(this.get(container.id));
      this.emit(this.get(container.id), 'restart');
    });
  }

  /**
   * `docker wait`: resolves with the exit code once `condition` holds. Not async on purpose: an
   * unknown container or condition throws here, before the API has sent its response headers.
   */
  wait(reference: string, condition = 'not-running', signal?: AbortSignal): Promise<number> {
    const container = this.get(reference);
    if (!isWaitCondition(condition)) throw invalid('wait-condition', `invalid condition: "${condition}"`);
    return waitFor(this.waiters, container, condition, signal);
  }

  async remove(reference: string, options: RemoveOptions = {}): Promise<void> {
    const container = this.get(reference);
    // rm -f kills at once, as Docker's: a `stop` holding the lock with a long timeout ends now.
    if (options.force && container.state.status !== 'exited' && container.state.status !== 'created') this.restarts.cancel(container.id);
    if (options.force && container.state.status === 'running') await this.signalThawed(container, 'SIGKILL');
    await this.locked(container.id, (current) => this.removeNow(current, options));
  }

  private async removeNow(container: Container, options: RemoveOptions): Promise<void> {
    if (container.state.status === 'restarting' && !options.force) {
      throw conflict('container-restarting', `You cannot remove a restarting container ${container.id}. Stop the container before attempting removal or force remove`);
    }
    if (container.state.status === 'running') {
      if (!options.force) {
        const paused = container.state.paused === true;
        throw conflict(paused ? 'container-paused' : 'container-running', paused
          ? `You cannot remove a paused container ${container.id}. Unpause and then stop the container before attempting removal or force remove`
          : `You cannot remove a running container ${container.id}. Stop the container before attempting removal or force remove`);
      }
      this.restarts.cancel(container.id);
      const exited = this.waiters.nextExit(container.id);
      await this.signalThawed(container, 'SIGKILL');
      await exited;
    }
    // The release of an exit saves the container: it must be done before the record goes.
    await this.cleanups.get(container.id);
    if (!this.containers.has(container.id)) return;
    await this.dropKeptNetwork(container.id);
    await this.removeRecordAndFiles(container);
    this.restarts.reset(container.id);
    // Only once it is gone: a failed remove puts the container back, waiters and sessions with it.
    this.emit(container, 'destroy');
    this.waiters.removed(container.id, container.state.exitCode);
    for (const listener of this.removalListeners) listener(container.id);
    if (options.volumes) await this.deps.volumes?.removeAnonymous?.(container).catch(logError(this.logger, 'warn', 'removing the anonymous volumes of a removed container', { container: container.id }));
  }

  /**
   * The record goes first, then the directory and runtime state: a crash in between leaves a
   * directory without a record, which start-up recovery removes; a failure puts the record back.
   */
  private async removeRecordAndFiles(container: Container): Promise<void> {
    const undo = new UndoStack();
    this.containers.delete(container.id);
    undo.push(`keep container ${container.id}`, () => this.containers.set(container.id, container));
    try {
      await this.deps.store.commit([del('container', container.id)]);
      undo.push(`put the record of ${container.id} back`, () => this.deps.store.commit([put('container', container.id, container)]));
      failpoint('container.rm.after-store');
      await this.deps.runtime.remove(container.id, this.directoryOf(container.id));
    } catch (error) {
      await undo.rollback(this.logger, { container: container.id, action: 'remove' });
      if (error instanceof EngineError) throw error;
      throw system('container-remove', `failed to remove container ${container.id}: ${(error as Error).message}`, error);
    }
  }

  /** Called at each start, adoption and exit of a container's process (health monitors follow them). */
  onLifecycle(listener: ContainerLifecycle): void {
    this.lifecycleListeners.push(listener);
  }

  /** `docker pause`: the cgroup freezer stops every process; the container keeps running otherwise. */
  pause(reference: string): Promise<void> {
    return this.locked(reference, async (container) => {
      if (container.state.status !== 'running') throw conflict('container-not-running', `Container ${container.id} is not running`);
      if (container.state.paused) throw conflict('container-paused', `Container ${container.id} is already paused`);
      await this.deps.runtime.pause(container.id);
      container.state = { ...container.state, paused: true };
      await this.save(container);
      this.emit(container, 'pause');
    });
  }

  unpause(reference: string): Promise<void> {
    return this.locked(reference, async (container) => {
      if (container.state.status !== 'running' || !container.state.paused) throw conflict('container-not-paused', `Container ${container.id} is not paused`);
      await this.deps.runtime.resume(container.id);
      container.state = { ...container.state, paused: false };
      await this.save(container);
      this.emit(container, 'unpause');
    });
  }

  /** `docker rename`: Docker's name rule, 409 when another container has the name. */
  async rename(reference: string, newName: string): Promise<Container> {
    if (newName === '') throw invalid('container-rename', 'Neither old nor new names may be empty');
    const name = validateContainerName(newName);
    return this.locked(reference, async (container) => {
      if (container.name === name) throw invalid('container-rename', 'Renaming a container with the same name as its current name');
      this.reserveName(name, container.id);
      const old = container.name;
      try {
        container.name = name;
        await this.save(container);
      } catch (error) {
        container.name = old;
        throw error;
      } finally {
        this.reservedNames.delete(name);
      }
      this.emit(container, 'rename', { oldName: `/${old}` });
      return container;
    });
  }

  /** `docker update --restart`: the policy of the next exits (validated by the caller). */
  updateRestartPolicy(reference: string, policy: RestartPolicy): Promise<void> {
    return this.locked(reference, async (container) => {
      if (container.hostConfig.autoRemove && policy.name !== 'no') throw invalid('restart-policy', 'Restart policy cannot be updated because AutoRemove is enabled for the container');
      container.hostConfig = { ...container.hostConfig, restartPolicy: policy };
      await this.save(container);
      this.emit(container, 'update');
    });
  }

  /** Called with the id of each container removed (what is kept per container, e.g. exec sessions, goes). */
  onRemoved(listener: (id: string) => void): void {
    this.removalListeners.push(listener);
  }

  async save(container: Container): Promise<void> {
    this.containers.set(container.id, container);
    await this.deps.store.commit([put('container', container.id, container)]);
  }
}

/** The containerAddress6 field of a publish target: present only for an endpoint with IPv6. */
function address6(cidr: string): { containerAddress6?: string } {
  const address = cidr.split('/')[0] ?? '';
  return address === '' ? {} : { containerAddress6: address };
}

/** The signal `docker stop` sends first: `--stop-signal` (as a number for runc) or SIGTERM. */
function stopSignalOf(container: Container): string {
  const signal = container.config.stopSignal;
  return signal ? String(parseSignal(signal)) : 'SIGTERM';
}

/** Two spellings of one signal ("SIGKILL", "KILL", "9"); unknown names are never the same. */
function sameSignal(a: string, b: string): boolean {
  try {
    return parseSignal(a) === parseSignal(b);
  } catch {
    // Not a signal Linux knows: then it is not the stop signal either.
    return false;
  }
}

/** Started once, exited (or left restarting by a daemon that went), and its policy says so. */
function dueAtDaemonStart(container: Container): boolean {
  const { status, exitCode, startedAt } = container.state;
  if ((status !== 'exited' && status !== 'restarting') || startedAt === ZERO_TIME) return false;
  return policyRestarts(container.hostConfig.restartPolicy, { exitCode, manuallyStopped: container.manuallyStopped === true, restartCount: 0 });
}
