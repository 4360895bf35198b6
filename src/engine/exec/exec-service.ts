/**
 * Exec sessions (`docker exec`): created against a running container, started once, inspected
 * for their exit code afterwards (the CLI reads ExitCode from /exec/{id}/json when the stream
 * ends). Sessions live in memory: an exec process is a child of the daemon and ends with it.
 */
import { conflict, invalid, notFound } from '../../errors/index.js';
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

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

export function decodeExecConfig(body: unknown): ExecConfig {
  const record = (body ?? {}) as Record<string, unknown>;
  const cmd = strings(record['Cmd']);
  if (cmd.length === 0) throw invalid('exec-cmd', 'No exec command specified');
  return {
    cmd,
    env: strings(record['Env']),
    tty: record['Tty'] === true,
    attachStdin: record['AttachStdin'] === true,
    attachStdout: record['AttachStdout'] === true,
    attachStderr: record['AttachStderr'] === true,
    user: text(record['User']),
    workingDir: text(record['WorkingDir']),
    privileged: record['Privileged'] === true,
    detachKeys: text(record['DetachKeys']),
  };
}

export class ExecService {
  private readonly sessions = new Map<string, ExecSession>();
  private readonly handles = new Map<string, ExecHandle>();

  constructor(private readonly containers: ContainerService, private readonly streams: ContainerStreams) {}

  create(reference: string, body: unknown): string {
    const container = this.containers.get(reference);
    const config = decodeExecConfig(body);
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

  /** Starts the process; `tty` from the start request overrides the one given at create. */
  /** `finished` resolves once the session records the exit: the stream must not end before. */
  async start(id: string, options: { tty?: boolean } = {}): Promise<{ session: ExecSession; handle: ExecHandle; finished: Promise<number> }> {
    const session = this.get(id);
    if (session.started) throw conflict('exec-started', `Error: Exec command ${id} has already run`);
    const container = this.containers.get(session.containerId);
    if (container.state.status !== 'running') throw conflict('container-not-running', `Container ${container.id} is not running`);
    session.started = true;
    const tty = options.tty ?? session.config.tty;
    const handle = await this.streams.exec(container.id, this.containers.directoryOf(container.id), {
      args: session.config.cmd, env: session.config.env, cwd: session.config.workingDir, user: session.config.user,
      tty, stdin: session.config.attachStdin,
    }).catch((error: unknown) => {
      session.exitCode = 126;
      throw error;
    });
    session.running = true;
    this.handles.set(id, handle);
    void handle.pid().then((pid) => (session.pid = pid));
    const finished = handle.exited.then(async (code) => {
      session.pid = await handle.pid();
      session.running = false;
      session.exitCode = code;
      this.handles.delete(id);
      return code;
    });
    return { session, handle, finished };
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
