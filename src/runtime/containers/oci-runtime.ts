/**
 * Containers run by runc under conmon. conmon (Debian's, the podman/CRI-O monitor) is the parent
 * of each container: it daemonizes, so a container survives a daemon restart or crash; it writes
 * the exit code to `<exec-root>/exits/<id>`, the output to a log file (k8s-file format) and keeps
 * an attach socket for stdin/TTY. runc state lives in `<exec-root>/runc` (runc --root), private to
 * this daemon. Per container `<directory>/`: upper/ work/ merged/ (the overlay), bundle/config.json,
 * pid, conmon.pid, conmon.log, container.log (and container.log.1 … once rotated: log-files.ts).
 */
import { constants, readFileSync } from 'node:fs';
import { access, mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startProcess } from '../../exec/index.js';
import { mountOverlay, unmountTree } from '../../kernel/linux/mounts.js';
import { LinuxRunc } from '../../kernel/linux/runc.js';
import { blockDeviceNumbers, listHostDevices } from '../../kernel/linux/host-devices.js';
import { ExitWatcher } from './exit-watcher.js';
import { LogRotator } from './log-rotator.js';
import { REOPEN_LOG_MESSAGE } from './stdin-relay.js';
import type { LogLimits } from '../../model/container.js';
import type { RuntimeMount } from '../../model/mounts.js';
import { prepareMounts } from './mount-setup.js';
import type { ContainerResources } from '../../model/resources.js';
import { ociResources } from './oci-resources.js';
import { buildOciSpec } from './oci-spec.js';
import { confinementOf, type DaemonConfinement } from './confinement.js';
import type { CapabilityChanges } from '../../model/capabilities.js';
import type { ContainerSecurity } from '../../model/security.js';
import type { ContainerIsolation } from '../../model/isolation.js';
import { resolveProcessUser } from './exec-user.js';
import { createLogger, type Logger } from '../../util/logger.js';
import { runUndo } from '../../util/undo.js';
import { system } from '../../errors/index.js';

export interface ContainerStart {
  id: string;
  /** Overlay lower directories, bottom first. */
  imageLayers: string[];
  directory: string;
  args: string[];
  env: string[];
  cwd: string;
  hostname: string;
  tty: boolean;
  openStdin: boolean;
  /** Without it, stdin stays open when an attached client leaves (conmon --leave-stdin-open). */
  stdinOnce?: boolean;
  /** Join this namespace; undefined with hostNetwork false gives a fresh, empty one. */
  netnsPath?: string;
  hostNetwork?: boolean;
  etc?: { hosts?: string; hostname?: string; resolvConf?: string };
  /** `--cap-add`/`--cap-drop` and `--security-opt`, resolved with the daemon's confinement. */
  capabilities: CapabilityChanges;
  security: ContainerSecurity;
  /** `user[:group]` (names resolved in the mounted root at start, as Docker) and `--group-add` in isolation. */
  user: string;
  isolation: ContainerIsolation;
  /** Awaited between create and start: the process runs only once it has resolved. */
  ready?: Promise<unknown>;
  /** `--log-opt max-size/max-file`: the daemon rotates the log at this size. */
  log: LogLimits;
  /** Binds and tmpfs mounts (`-v`, `--mount`, `--tmpfs`); destinations are resolved inside the root here. */
  mounts?: readonly RuntimeMount[];
  /** cgroup limits, written by runc into the cgroups it creates. */
  resources?: ContainerResources;
}

export interface OciRuntimeOptions {
  execRoot: string;
  /** The default seccomp profile, AppArmor and the host facts the profiles are resolved against. */
  confinement: DaemonConfinement;
  runcPath?: string;
  conmonPath?: string;
  /** `--init`'s binary, Docker's docker-init: Debian's tini-static. */
  initPath?: string;
  /** Rollback steps that fail (stderr at warn when absent). */
  logger?: Logger;
}

/**
 * A daemonized conmon is reparented to PID 1, which may reap it late: a zombie still answers
 * kill(pid, 0), so the process state in /proc decides (a zombie has finished its work).
 */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    // no /proc entry: the process is gone (and reaped)
    return false;
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Durations of a start's steps, in ms with 0.1 ms resolution (the daemon logs them). */
class Steps {
  readonly done: Record<string, number> = {};
  private last = performance.now();

  mark(step: string): void {
    const now = performance.now();
    this.done[step] = Math.round((now - this.last) * 10) / 10;
    this.last = now;
  }
}

export class OciRuntime {
  readonly runc: LinuxRunc;
  readonly exits: ExitWatcher;
  private readonly runcPath: string;
  private readonly conmonPath: string;
  private readonly rotators = new Map<string, LogRotator>();

  constructor(private readonly options: OciRuntimeOptions) {
    this.runcPath = options.runcPath ?? '/usr/sbin/runc';
    this.conmonPath = options.conmonPath ?? '/usr/bin/conmon';
    this.runc = new LinuxRunc(join(options.execRoot, 'runc'), this.runcPath);
    this.exits = new ExitWatcher(join(options.execRoot, 'exits'));
  }

  static logFileOf(directory: string): string {
    return join(directory, 'container.log');
  }

  /** conmon's SOCK_SEQPACKET attach socket (stdin) and control fifo (resize) for a container. */
  attachSocketOf(id: string): string {
    return join(this.options.execRoot, 'sockets', id, 'attach');
  }

  controlFifoOf(id: string): string {
    return join(this.options.execRoot, 'sockets', id, 'ctl');
  }

  get runtimePath(): string {
    return this.runcPath;
  }

  /**
   * Mounts the rootfs, creates the container under conmon, starts it; returns the init pid and the
   * steps' durations in ms (rootfs, spec: mounts and config.json, conmon: its launch, create: runc
   * create until the pid file, start: runc start).
   */
  async start(spec: ContainerStart): Promise<{ pid: number; steps: Record<string, number> }> {
    const { directory } = spec;
    const merged = join(directory, 'merged');
    const bundle = join(directory, 'bundle');
    for (const dir of ['upper', 'work', 'merged', 'bundle']) await mkdir(join(directory, dir), { recursive: true, mode: 0o700 });
    await mkdir(this.exits.directory, { recursive: true });
    await rm(this.exits.fileOf(spec.id), { force: true });
    await rm(join(directory, 'pid'), { force: true });
    const steps = new Steps();
    try {
      await mountOverlay({ lower: spec.imageLayers, upper: join(directory, 'upper'), work: join(directory, 'work'), target: merged });
      steps.mark('rootfs');
      const own = await prepareMounts(merged, spec.mounts ?? []);
      const config = buildOciSpec({
        rootfs: merged, args: spec.args, env: spec.env, cwd: spec.cwd, hostname: spec.hostname, terminal: spec.tty,
        user: await resolveProcessUser(merged, spec.user, spec.isolation.groupAdd),
        isolation: spec.isolation, initPath: this.options.initPath ?? '/usr/bin/tini-static',
        ...(spec.netnsPath ? { netnsPath: spec.netnsPath } : {}),
        ...(spec.hostNetwork ? { hostNetwork: true } : {}),
        ...(spec.etc ? { etc: spec.etc } : {}),
        confinement: confinementOf(spec.security, spec.capabilities, this.options.confinement),
        mounts: own.mounts,
        ...(own.rootfsPropagation ? { rootfsPropagation: own.rootfsPropagation } : {}),
        ...(spec.resources ? { resources: spec.resources } : {}),
        ...(spec.security.privileged ? { hostDevices: await listHostDevices() } : {}),
        blockDevices: await blockDeviceNumbers(blkioPaths(spec.resources)),
      });
      await writeFile(join(bundle, 'config.json'), JSON.stringify(config, null, 2));
      steps.mark('spec');
      await this.launchConmon(spec, bundle);
      steps.mark('conmon');
      const pid = await this.waitForPid(spec.id, directory);
      steps.mark('create');
      await spec.ready;
      await this.runc.start(spec.id);
      steps.mark('start');
      this.rotateLog(spec.id, directory, spec.log);
      return { pid, steps: steps.done };
    } catch (error) {
      const undo = [{ name: `remove the runtime state of ${spec.id}`, run: () => this.remove(spec.id, directory, { keepDirectory: true }) }];
      await runUndo(undo, this.options.logger ?? createLogger('warn'), { container: spec.id });
      throw error;
    }
  }

  private async launchConmon(spec: ContainerStart, bundle: string): Promise<void> {
    const { directory } = spec;
    const argv = [
      this.conmonPath, '--api-version', '1', '-c', spec.id, '-u', spec.id, '-n', spec.id,
      '-r', this.runcPath, '-b', bundle, '-p', join(directory, 'pid'), '-P', join(directory, 'conmon.pid'),
      '-l', `k8s-file:${OciRuntime.logFileOf(directory)}`, '--exit-dir', this.exits.directory,
      '--socket-dir-path', join(this.options.execRoot, 'sockets'), '--log-level', 'warning',
      // conmon calls sync(2) after the container exits unless told not to: a whole-machine flush
      // that kept it (and every `docker rm`) waiting 1-2 s here.
      '--no-sync-log',
      // No --log-size-max: the daemon rotates (log-rotator.ts). conmon 2.1.6 counts that cap from
      // its own start, not from the last reopen, so with rotation it would still truncate the live
      // file (dropping its lines) every time the running total crossed it (seen in bounded-logs).
      '--runtime-arg', '--root', '--runtime-arg', this.runc.root,
      ...(spec.tty ? ['-t'] : []), ...(spec.openStdin ? ['-i'] : []),
      // Docker keeps a container's stdin open across attaches unless StdinOnce (`docker run -i`).
      ...(spec.openStdin && !spec.stdinOnce ? ['--leave-stdin-open'] : []),
    ];
    await mkdir(join(this.options.execRoot, 'sockets'), { recursive: true });
    // conmon forks and its first process exits at once; the monitor lives on, detached.
    const parent = startProcess(argv, { logFile: join(directory, 'conmon.log'), cwd: directory });
    const code = await parent.exited;
    if (code !== 0) throw system('conmon-failed', `conmon failed (${code}): ${await this.conmonLog(directory)}`);
  }

  /** runc writes the pid file once `create` succeeded; an exit file first means it failed. */
  private async waitForPid(id: string, directory: string): Promise<number> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      // Pid and conmon.pid files not written yet: polled again until the deadline.
      const text = await readFile(join(directory, 'pid'), 'utf8').catch(() => '');
      if (/^\d+/.test(text.trim())) return Number.parseInt(text, 10);
      const conmonPid = Number.parseInt(await readFile(join(directory, 'conmon.pid'), 'utf8').catch(() => ''), 10); // (as above)
      const conmonGone = conmonPid > 0 && !isAlive(conmonPid);
      if (conmonGone || (await this.exits.read(id)) !== undefined || Date.now() > deadline) {
        throw system('container-create', `creating container ${id} failed: ${await this.conmonLog(directory)}`);
      }
      await delay(5);
    }
  }

  private async conmonLog(directory: string): Promise<string> {
    // No log: the message says conmon wrote nothing.
    const text = await readFile(join(directory, 'conmon.log'), 'utf8').catch(() => '');
    return text.trim().split('\n').slice(-5).join('; ') || '(conmon wrote nothing)';
  }

  /** Rotates the container's log at its limits (after a start, or when a daemon adopts it). */
  rotateLog(id: string, directory: string, limits: LogLimits): void {
    void this.rotators.get(id)?.stop();
    const rotator = new LogRotator(OciRuntime.logFileOf(directory), {
      limits,
      reopen: () => this.reopenLog(id, directory),
      onError: (error) => (this.options.logger ?? createLogger('warn')).warn('log rotation failed', { container: id, error: String(error) }),
    });
    this.rotators.set(id, rotator);
  }

  /** conmon's control fifo: reopen the log; resolves once the new live file exists (or after 2 s). */
  private async reopenLog(id: string, directory: string): Promise<void> {
    // Non-blocking: conmon holds the read end; without it (conmon gone) there is nothing to reopen.
    const fifo = await open(this.controlFifoOf(id), constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
    if (!fifo) return;
    await fifo.write(REOPEN_LOG_MESSAGE).finally(() => fifo.close());
    const deadline = Date.now() + 2_000;
    // Not there yet: conmon has not handled the message; looked at again until the deadline.
    while (Date.now() < deadline && !(await access(OciRuntime.logFileOf(directory)).then(() => true, () => false))) await delay(5);
  }

  private async stopRotating(id: string): Promise<void> {
    const rotator = this.rotators.get(id);
    this.rotators.delete(id);
    await rotator?.stop();
  }

  waitExit(id: string): Promise<number> {
    return this.exits.wait(id);
  }

  async kill(id: string, signal: string): Promise<void> {
    await this.runc.kill(id, signal);
  }

  /** `runc update`: the running container's cgroups get these limits. */
  async updateResources(id: string, resources: ContainerResources): Promise<void> {
    // Unlimited pids must be said (runc leaves out what the JSON leaves out): "max".
    await this.runc.update(id, { ...ociResources(resources), ...(resources.pidsLimit > 0 ? {} : { pids: { limit: -1 } }) });
  }

  async pause(id: string): Promise<void> {
    await this.runc.pause(id);
  }

  async resume(id: string): Promise<void> {
    await this.runc.resume(id);
  }

  /**
   * Kills what runs, waits for conmon, deletes runc state, unmounts, removes the directory.
   * Idempotent. `keepRootfs`: the overlay stays mounted (a restart by policy mounts it again at once).
   */
  async remove(id: string, directory: string, options: { keepDirectory?: boolean; keepRootfs?: boolean } = {}): Promise<void> {
    await this.stopRotating(id);
    await this.runc.delete(id);
    // No conmon.pid: conmon never started, so there is none to wait for.
    const conmonPid = Number.parseInt(await readFile(join(directory, 'conmon.pid'), 'utf8').catch(() => ''), 10);
    if (conmonPid > 0) await this.waitGone(conmonPid, 5_000);
    await unmountTree(join(directory, 'merged'), { keepTarget: options.keepRootfs === true });
    await rm(this.exits.fileOf(id), { force: true });
    if (!options.keepDirectory) await rm(directory, { recursive: true, force: true });
  }

  /** conmon leaves once the container is gone; after the grace period it is killed, by pid. */
  private async waitGone(pid: number, graceMs: number): Promise<void> {
    const alive = (): boolean => isAlive(pid);
    const deadline = Date.now() + graceMs;
    while (alive() && Date.now() < deadline) await delay(5);
    if (alive()) {
      // Gone meanwhile: nothing to kill.
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.startsWith(this.conmonPath) || cmdline.includes('conmon')) process.kill(pid, 'SIGKILL');
    }
  }

  close(): void {
    for (const id of [...this.rotators.keys()]) void this.stopRotating(id);
    this.exits.close();
  }
}

/** The device paths a container's per-device blkio options name. */
function blkioPaths(resources: ContainerResources | undefined): string[] {
  const devices = resources?.blkioDevices;
  return devices ? Object.values(devices).flatMap((values: ReadonlyArray<{ path: string }>) => values.map((device) => device.path)) : [];
}
