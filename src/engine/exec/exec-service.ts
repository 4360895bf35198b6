/**
 * Exec sessions (`docker exec`): created against a running container, started once, inspected
 * for their exit code afterwards (the CLI reads ExitCode from /exec/{id}/json when the stream
 * ends). Sessions live in memory: an exec process is a child of the daemon and ends with it.
 *
 * Bounded: a session that is not running (ended, or created and never started) is collected
 * KEEP_MS after it ended (or was created), so inspect still works for the CLI and for a while
 * after; all of a container's sessions go when it is removed; and at most MAX_SESSIONS exist at
 * once (a create beyond gets a 409 saying so), so a client looping on exec create can't grow the
 * daemon without bound.
 */
import { conflict, notFound } from '../../errors/index.js';
import type { ContainerService } from '../containers/container-service.js';
import type { ContainerStreams, ExecHandle } from '../containers/dependencies.js';
import { newId } from '../../util/ids.js';

/** How long a session that is not running stays inspectable. */
export const KEEP_MS = 5 * 60_000;
/** Sessions per daemon (running, ended and not yet collected, or not started). */
export const MAX_SESSIONS = 1024;
const SWEEP_MS = 30_000;

export interface ExecServiceOptions {
  keepMs?: number;
  maxSessions?: number;
  /** The clock (tests). */
  now?: () => number;
}

export interface ExecConfig {
  cmd: string[];
  env: string[];
  tty: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  user: string;
  workingDir: string;
  privileged: boolean;
  detachKeys: string;
}

export interface ExecSession {
  id: string;
  containerId: string;
  config: ExecConfig;
  running: boolean;
  started: boolean;
  exitCode: number | null;
  pid: number;
  /** When it was created, and when it ended (ms since the epoch): it is collected KEEP_MS after. */
  createdAt: number;
  endedAt?: number;
}

export interface ExecStartOptions {
  /** `docker exec -d`: nobody reads the output, so it is drained. */
  detach?: boolean;
  /** Overrides the TTY choice made at create. */
  tty?: boolean;
}

export interface StartedExec {
  session: ExecSession;
  handle: ExecHandle;
  /** Whether the process runs on a TTY (its output is then one raw stream). */
  tty: boolean;
  /** Resolves once the session records the exit: a stream must not end before. */
  finished: Promise<number>;
}

export class ExecService {
  private readonly sessions = new Map<string, ExecSession>();
  private readonly handles = new Map<string, ExecHandle>();

  private readonly keepMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly containers: ContainerService, private readonly streams: ContainerStreams, options: ExecServiceOptions = {}) {
    this.keepMs = options.keepMs ?? KEEP_MS;
    this.maxSessions = options.maxSessions ?? MAX_SESSIONS;
    this.now = options.now ?? Date.now;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
    containers.onRemoved((containerId) => this.forgetContainer(containerId));
  }

  /** Sessions held now (tests; a leak shows here). */
  size(): number {
    return this.sessions.size;
  }

  /** `config` is decoded by the front door (the Docker API's: api/decode/exec.ts). */
  create(reference: string, config: ExecConfig): string {
    const container = this.containers.get(reference);
    if (container.state.status !== 'running') throw conflict('container-not-running', `Container ${container.id} is not running`);
    if (container.state.paused) throw conflict('container-paused', `Container ${container.id} is paused, unpause the container before exec`);
    this.sweep();
    if (this.sessions.size >= this.maxSessions) {
      throw conflict('exec-limit', `too many exec sessions (${this.maxSessions}): wait for running ones to end; ended ones are collected ${Math.round(this.keepMs / 1000)} s after they end`);
    }
    const id = newId();
    this.sessions.set(id, { id, containerId: container.id, config, running: false, started: false, exitCode: null, pid: 0, createdAt: this.now() });
    return id;
  }

  get(id: string): ExecSession {
    this.sweep();
    const session = this.sessions.get(id);
    if (!session) throw notFound('exec-not-found', `No such exec instance: ${id}`);
    return session;
  }

  /** Whether a start with these options runs on a TTY (known before the start, for its errors). */
  ttyOf(id: string, options: ExecStartOptions = {}): boolean {
    return options.tty ?? this.get(id).config.tty;
  }

  /** Starts the process; a failure to start (unknown user) leaves exit code 126, as Docker. */
  async start(id: string, options: ExecStartOptions = {}): Promise<StartedExec> {
    const session = this.get(id);
    if (session.started) throw conflict('exec-started', `Error: Exec command ${id} has already run`);
    const container = this.containers.get(session.containerId);
    if (container.state.status !== 'running') throw conflict('container-not-running', `Container ${container.id} is not running`);
    session.started = true;
    const tty = this.ttyOf(id, options);
    const handle = await this.streams.exec(container.id, this.containers.directoryOf(container.id), {
      args: session.config.cmd, env: session.config.env, cwd: session.config.workingDir, user: session.config.user,
      groupAdd: container.hostConfig?.isolation?.groupAdd ?? [], tty, stdin: session.config.attachStdin,
    }).catch((error: unknown) => {
      session.exitCode = 126;
      session.endedAt = this.now();
      throw error;
    });
    session.running = true;
    this.handles.set(id, handle);
    if (options.detach) {
      handle.stdout?.resume();
      handle.stderr?.resume();
    }
    void handle.pid().then((pid) => (session.pid = pid));
    const finished = handle.exited.then(async (code) => {
      session.pid = await handle.pid();
      session.running = false;
      session.exitCode = code;
      session.endedAt = this.now();
      this.handles.delete(id);
      return code;
    });
    return { session, handle, tty, finished };
  }

  async resize(id: string, height: number, width: number): Promise<void> {
    this.get(id);
    await this.handles.get(id)?.resize(height, width);
  }

  /** Kills every running exec (daemon shutdown). */
  close(): void {
    clearInterval(this.sweeper);
    for (const handle of this.handles.values()) handle.kill();
  }

  /** Drops sessions not running for longer than keepMs, and those of containers gone. */
  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.sessions) {
      if (session.running) continue;
      if (now - (session.endedAt ?? session.createdAt) >= this.keepMs || !this.containers.find(session.containerId)) this.sessions.delete(id);
    }
  }

  /** The container was removed: its sessions go (a running one's process died with it). */
  private forgetContainer(containerId: string): void {
    for (const [id, session] of this.sessions) {
      if (session.containerId !== containerId) continue;
      this.sessions.delete(id);
      this.handles.delete(id);
    }
  }
}
