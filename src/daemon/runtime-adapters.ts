/**
 * Adapters between the engine's small ports (engine/containers/ports.ts) and the concrete image
 * store and OCI runtime. Composition only: the meanings are translated here, nowhere else.
 */
import { constants } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerFiles, ContainerRuntime, ContainerStreams, ExecRequest, ImageInfo, ImageSource, RuntimeSpec } from '../engine/containers/dependencies.js';
import type { ImageStore } from '../runtime/images/index.js';
import { OciRuntime } from '../runtime/containers/oci-runtime.js';
import { signalPid, startExec } from '../runtime/containers/exec-process.js';
import type { PipedProcess } from '../exec/index.js';
import { resolveProcessUser } from '../runtime/containers/exec-user.js';
import { writeExecProcess } from '../runtime/containers/exec-process-spec.js';
import { payloadOf } from '../runtime/containers/k8s-log.js';
import { LogFollower } from '../runtime/containers/log-follower.js';
import { statInRoot, tarFromRoot } from '../runtime/containers/archive-out.js';
import { extractIntoRoot } from '../runtime/containers/archive-in.js';
import { etcMountsOf, withContainerRoot } from '../runtime/containers/container-root.js';
import { absentInLayers, copyIntoEmptyVolume, isEmptyDirectory } from '../kernel/linux/volume-copy.js';
import { relayStdin, resizeMessage } from '../runtime/containers/stdin-relay.js';
import { system } from '../errors/index.js';
import { healthcheckFromImage } from '../engine/health/health-config.js';
import type { HealthConfig } from '../model/health.js';

export function imageSource(store: ImageStore): ImageSource {
  return {
    find(reference: string): ImageInfo | undefined {
      const record = store.find(reference);
      if (!record) return undefined;
      const config = record.config.config;
      return {
        id: record.id,
        cmd: config.Cmd,
        entrypoint: config.Entrypoint,
        env: config.Env,
        // An image's config is the archive's own JSON: a field it leaves out is the empty string.
        workingDir: stringOr(config.WorkingDir),
        user: stringOr(config.User),
        exposedPorts: Object.keys(config.ExposedPorts ?? {}),
        ...imageHealthcheck(config.Healthcheck),
        volumes: Object.keys(config.Volumes ?? {}),
      };
    },
    layersOf: (imageId: string) => store.layersOf(imageId),
  };
}

const stringOr = (value: unknown): string => (typeof value === 'string' ? value : '');

function imageHealthcheck(raw: unknown): { healthcheck?: HealthConfig } {
  const healthcheck = healthcheckFromImage(raw);
  return healthcheck ? { healthcheck } : {};
}

export function containerRuntime(runtime: OciRuntime): ContainerRuntime {
  return {
    start: (spec: RuntimeSpec) =>
      runtime.start({
        id: spec.id,
        imageLayers: spec.imageLayers,
        directory: spec.directory,
        args: spec.args,
        env: spec.env,
        cwd: spec.cwd,
        hostname: spec.hostname,
        tty: spec.tty,
        openStdin: spec.openStdin,
        stdinOnce: spec.stdinOnce === true,
        // The engine's "no namespace path" means host mode; the runtime's means a fresh one.
        ...(spec.netnsPath ? { netnsPath: spec.netnsPath } : { hostNetwork: true }),
        etc: spec.etc,
        capabilities: spec.capabilities,
        security: spec.security,
        user: spec.user,
        isolation: spec.isolation,
        ...(spec.ready ? { ready: spec.ready } : {}),
        log: spec.log,
        ...(spec.mounts ? { mounts: spec.mounts } : {}),
        ...(spec.resources ? { resources: spec.resources } : {}),
      }),
    waitExit: (id) => runtime.waitExit(id),
    kill: (id, signal) => runtime.kill(id, signal),
    pause: (id) => runtime.pause(id),
    resume: (id) => runtime.resume(id),
    cleanup: (id, directory, options) => runtime.remove(id, directory, { keepDirectory: true, keepRootfs: options?.keepRootfs === true }),
    remove: (id, directory) => runtime.remove(id, directory),
    logPathOf: (directory) => OciRuntime.logFileOf(directory),
    resumeLog: (id, directory, limits) => runtime.rotateLog(id, directory, limits),
    updateResources: (id, resources) => runtime.updateResources(id, resources),
  };
}

/** attach, logs and exec over conmon's log file, attach socket and control fifo, and runc exec. */
export function containerStreams(runtime: OciRuntime): ContainerStreams {
  let execCount = 0;
  return {
    async openOutput(_id, directory, options) {
      const follower = await LogFollower.open(OciRuntime.logFileOf(directory), {
        from: options.from,
        ...(options.tail !== undefined ? { tail: options.tail } : {}),
        onEntry: (entry) => options.onEntry({ time: entry.time, stream: entry.stream, data: payloadOf(entry) }),
      });
      return { readAvailable: () => follower.readAvailable(), follow: () => follower.follow(), stop: () => follower.stop() };
    },
    openStdin(id) {
      const relay = relayStdin(runtime.attachSocketOf(id));
      if (!relay.stdin) throw system('stdin-relay', 'stdin relay has no pipe');
      return relay.stdin;
    },
    async resize(id, height, width) {
      // Non-blocking: conmon holds the read end; without it (not running) this fails at once.
      const handle = await open(runtime.controlFifoOf(id), constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
      if (!handle) return;
      await handle.write(resizeMessage(height, width)).finally(() => handle.close());
    },
    async exec(containerId, directory, request) {
      const count = ++execCount;
      const pidFile = join(directory, `exec-${count}.pid`);
      const processFile = await execProcessFile(directory, count, request);
      const started = startExec(runtime.runtimePath, runtime.runc.root, { containerId, ...request, pidFile, ...(processFile ? { processFile } : {}) });
      const { process: child } = started;
      // The pid file goes once read: a short command is often gone before anyone asks for its pid.
      const pid = started.pid();
      void child.exited.then(() => pid).then(() => Promise.all([rm(pidFile, { force: true }), processFile ? rm(processFile, { force: true }) : undefined]));
      // runc reports its own failure (command not found) as exit 255 and an error line; Docker says 126.
      let runcFailed = false;
      child.stderr?.on('data', (chunk: Buffer) => (runcFailed ||= chunk.includes('msg="exec failed')));
      const exited = child.exited.then((code) => (code === 255 && runcFailed ? 126 : code));
      return {
        stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, exited,
        pid: () => pid, resize: (height, width) => started.resize(height, width), kill: () => killExec(child, pid),
      };
    },
  };
}

/**
 * `exec -u USER`: a whole process.json with USER's uid, gid and groups (the image's /etc/group
 * and the container's --group-add), since runc's flags keep the container's groups; without -u,
 * runc's flags over the container's own process.
 */
async function execProcessFile(directory: string, count: number, request: ExecRequest): Promise<string | undefined> {
  if (request.user === '') return undefined;
  const user = await resolveProcessUser(join(directory, 'merged'), request.user, request.groupAdd);
  const file = join(directory, `exec-${count}.json`);
  await writeExecProcess(join(directory, 'bundle', 'config.json'), file, { args: request.args, env: request.env, cwd: request.cwd, tty: request.tty, user });
  return file;
}

/**
 * Kills an exec: the command inside the container first (killing only runc would leave it running,
 * reparented inside the container: a hung healthcheck would pile up), then runc. The command's pid
 * is signalled only while runc still runs: runc outlives its command, so the pid is still that
 * command's, never a reused one.
 */
function killExec(child: PipedProcess, pid: Promise<number>): void {
  let ended = false;
  void child.exited.then(() => (ended = true));
  void pid.then((inner) => {
    if (inner > 0 && !ended) signalPid(inner, 'SIGKILL');
  }).finally(() => child.signal('SIGKILL'));
}

/** `docker cp`: the container's root and what is done inside it, confined (runtime/containers/archive-*.ts). */
export function containerFiles(): ContainerFiles {
  return {
    withRoot: withContainerRoot,
    stat: statInRoot,
    read: async (root, path, binds = []) => tarFromRoot(root, path, [...binds.map((bind) => ({ target: bind.destination, source: bind.source })), ...(await etcMountsOf(root))]),
    extract: (root, path, input, options) => extractIntoRoot(root, path, input, options),
  };
}

/**
 * Docker's copy of the image's content into an empty volume at first use: the container's root is
 * mounted for the copy (the runtime mounts it again to start), only when the volume is empty and
 * some layer may have something at the destination (a mount and an unmount saved otherwise).
 */
export function volumeCopyUp(rootOf: (containerId: string) => { directory: string; layers: string[] } | undefined) {
  return async (containerId: string, destination: string, volumeDir: string): Promise<void> => {
    const root = rootOf(containerId);
    if (!root || !(await isEmptyDirectory(volumeDir))) return;
    if (await absentInLayers([...root.layers, join(root.directory, 'upper')], destination)) return;
    await withContainerRoot(root.directory, root.layers, (merged) => copyIntoEmptyVolume(merged, destination, volumeDir));
  };
}
