/**
 * Exec sessions (`docker exec`): created against a running container, started once, inspected
 * for their exit code afterwards (the CLI reads ExitCode from /exec/{id}/json when the stream
 * ends). Sessions live in memory: an exec process is a child of the daemon and ends with it.
 */
import { conflict, notFound } from '../../errors/index.js';
import type { ContainerService } from '../containers/container-service.js';
import type { ContainerStreams, ExecHandle } from '../containers/dependencies.js';
import { newId } from '../../util/ids.js';

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

  constructor(private readonly containers: ContainerService, private readonly streams: ContainerStreams) {}

  /** `config` is decoded by the front door (the Docker API's: api/decode/exec.ts). */
  create(reference: string, config: ExecConfig): string {
    const container = this.containers.get(reference);
    if (container.state.status !== 'running') throw conflict('container-not-running', `Container ${container.id} is not running`);
    this.forgetRemovedContainers();
    const id = newId();
    this.sessions.set(id, { id, containerId: container.id, config, running: false, started: false, exitCode: null, pid: 0 });
    return id;
  }

  get(id: string): ExecSession {
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
      tty, stdin: session.config.attachStdin,
    }).catch((error: unknown) => {
      session.exitCode = 126;
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
    for (const handle of this.handles.values()) handle.kill();
  }

  private forgetRemovedContainers(): void {
    for (const [id, session] of this.sessions) {
      if (!session.running && !this.containers.find(session.containerId)) this.sessions.delete(id);
    }
  }
}
