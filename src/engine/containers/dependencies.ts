/**
 * What the container engine needs from the outside world, as small interfaces: the runtime that
 * runs processes, the image store, and the output and exec streams. The port publisher's contract
 * lives with its implementation in `ports/`. The daemon wires real ones; unit tests wire fakes.
 */
import type { Readable, Writable } from 'node:stream';
import type { CapabilityChanges } from '../../model/capabilities.js';
import type { ContainerIsolation } from '../../model/isolation.js';
import type { ContainerSecurity } from '../../model/security.js';
import type { PathStat } from '../../model/path-stat.js';
import type { LogLimits } from '../../model/container.js';
import type { RuntimeMount } from '../../model/mounts.js';
import type { HealthConfig } from '../../model/health.js';
import type { ContainerResources } from '../../model/resources.js';

export type { ContainerPublished, PortPublisher, PublishTarget } from '../../ports/publishing.js';

export interface ImageInfo {
  id: string;
  cmd: string[] | null;
  entrypoint: string[] | null;
  env: string[] | null;
  workingDir: string;
  user: string;
  exposedPorts: string[];
  /** The image's HEALTHCHECK, when it has one. */
  healthcheck?: HealthConfig;
  /** The image's `VOLUME` paths (absolute): each gets an anonymous volume unless the container mounts something there. */
  volumes?: string[];
}

export interface ImageSource {
  /** undefined when there is no such image. */
  find(reference: string): ImageInfo | undefined;
  /** The image's layer directories, bottom first (overlay lower directories). */
  layersOf(imageId: string): string[];
}

export interface RuntimeSpec {
  id: string;
  /** The image's layer directories, bottom first. */
  imageLayers: string[];
  /** Per-container directory for the bundle, upper layer and /etc files. */
  directory: string;
  args: string[];
  env: string[];
  cwd: string;
  /** `user[:group]` as asked (or the image's), resolved by the runtime in the container's root. */
  user: string;
  hostname: string;
  tty: boolean;
  openStdin: boolean;
  /** Docker's StdinOnce: stdin closes when the attached client goes (`docker run -i`); otherwise it stays open for the next attach. */
  stdinOnce?: boolean;
  /** Namespace file to join; undefined shares the daemon's own (host mode). */
  netnsPath?: string;
  /** Files bind-mounted at /etc/hosts, /etc/hostname, /etc/resolv.conf. */
  etc: { hosts: string; hostname: string; resolvConf: string };
  /** `--cap-add` / `--cap-drop` and `--security-opt`: the runtime confines the process by them. */
  capabilities: CapabilityChanges;
  security: ContainerSecurity;
  /** Groups, read-only root, sysctls, ulimits, /dev/shm size, init. */
  isolation: ContainerIsolation;
  /**
   * Awaited after the container is created and before its process runs: set-up that must be in
   * place for the process (the DNS rules in its namespace) overlaps the runtime's creation work.
   */
  ready?: Promise<unknown>;
  /** The log's rotation limits (`--log-opt max-size/max-file` over the daemon's defaults). */
  log: LogLimits;
  /** The container's binds and tmpfs mounts (volumes already turned into binds of their directories). */
  mounts?: RuntimeMount[];
  /** cgroup limits (`--memory`, `--cpus`, …); absent: none. */
  resources?: ContainerResources;
}

export interface AttachStreams {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
}

export interface ContainerRuntime {
  /** Creates and starts the container's process; resolves once it runs (`steps`: its own step durations in ms, logged). */
  start(spec: RuntimeSpec): Promise<{ pid: number; steps?: Record<string, number> }>;
  /** Resolves with the exit code when the process ends (the engine calls it once per start). */
  waitExit(id: string): Promise<number>;
  kill(id: string, signal: string): Promise<void>;
  /** `docker pause` / `unpause`: freezes and thaws every process of the container. */
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /**
   * After an exit: drops runtime state and mounts, keeps the directory (logs, upper layer).
   * `keepRootfs`: the root overlay stays mounted, for a restart by policy.
   */
  cleanup(id: string, directory: string, options?: { keepRootfs?: boolean }): Promise<void>;
  /** Removes runtime state, mounts and the directory; idempotent. */
  remove(id: string, directory: string): Promise<void>;
  /** The live log file of the container in `directory` (inspect's LogPath). */
  logPathOf(directory: string): string;
  /** Recovery: rotate the log of an adopted running container again. */
  resumeLog?(id: string, directory: string, limits: LogLimits): void;
  /** `docker update`: the running container's cgroup limits become these. */
  updateResources(id: string, resources: ContainerResources): Promise<void>;
}

/** One record of a container's output, as kept in its log. */
export interface OutputEntry {
  /** RFC 3339 as the runtime wrote it. */
  time: string;
  stream: 'stdout' | 'stderr';
  /** The bytes the process wrote (newline included when the line was complete). */
  data: Buffer;
}

export interface OutputReader {
  /** Delivers what is there now, keeps reading position (only before follow()). */
  readAvailable(): Promise<void>;
  /** Starts delivering entries as they are written (follow / attach). */
  follow(): void;
  /** Delivers the rest and closes; after an exit this drains everything the container wrote. */
  stop(): Promise<void>;
}

export interface ExecRequest {
  args: string[];
  env: string[];
  cwd: string;
  user: string;
  /** The container's `--group-add`, added to `user`'s groups (Docker's exec does so too). */
  groupAdd?: readonly string[];
  tty: boolean;
  stdin: boolean;
}

export interface ExecHandle {
  stdin: Writable | null;
  /** With a TTY, everything arrives on stdout. */
  stdout: Readable | null;
  stderr: Readable | null;
  exited: Promise<number>;
  pid(): Promise<number>;
  resize(height: number, width: number): Promise<void>;
  kill(): void;
}

/** What attach, logs and exec need from the runtime. */
export interface ContainerStreams {
  /** Opens the output log now (positioned at its start or end) and calls onEntry per record. */
  openOutput(id: string, directory: string, options: { from: 'start' | 'end'; tail?: number; onEntry: (entry: OutputEntry) => void | Promise<void> }): Promise<OutputReader>;
  /** A writable to the running container's stdin; ending it closes the container's stdin. */
  openStdin(id: string): Writable;
  resize(id: string, height: number, width: number): Promise<void>;
  /** Starts the command in the running container; rejects when it cannot (e.g. unknown user). */
  exec(containerId: string, directory: string, request: ExecRequest): Promise<ExecHandle>;
}

/** A tar being streamed out of a container's root. */
export interface ArchiveOut {
  stream: Readable;
  /** Settles when the archive has ended; rejects when it failed (the stream is then cut short). */
  done: Promise<void>;
  /** Stops it (the client left). */
  cancel(): void;
}

/** `docker cp`: a container's files, read and written confined to its root. */
/** A container's bind or volume mount as `docker cp` sees it: a host directory (or file) at a destination. */
export interface ArchiveBind {
  /** Absolute, cleaned: where the container sees it. */
  destination: string;
  /** The host path (a bind's source, a volume's directory). */
  source: string;
  readOnly: boolean;
}

export interface ContainerFiles {
  /** Runs `task` with the container's root: the running overlay, or one mounted for the task. */
  withRoot<T>(directory: string, imageLayers: readonly string[], task: (root: string) => Promise<T>): Promise<T>;
  /** undefined when the path does not exist inside the root (a mount's source is a root too). */
  stat(root: string, path: string): Promise<PathStat | undefined>;
  /** undefined when the path is gone by the time the archive is made; `binds` are in place for the tar, as in the container. */
  read(root: string, path: string, binds?: readonly ArchiveBind[]): Promise<ArchiveOut | undefined>;
  /**
   * Unpacks `input` into the directory `path` inside the root (the container's, or a mount's
   * source); `ownerUser` for `cp -a`, resolved in `accountsRoot` (the container's root).
   */
  extract(root: string, path: string, input: Readable, options: { ownerUser?: string; accountsRoot?: string }): Promise<'done' | 'missing' | 'not-directory'>;
}
