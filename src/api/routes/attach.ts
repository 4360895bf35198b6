/**
 * POST /containers/{id}/attach, hijacked. Output comes from the container's log, opened before the
 * 101 goes out: `docker run` attaches before it starts the container, and the log then holds every
 * byte from the first one. The stream ends when the container exits, after the log is drained
 * (conmon writes the exit file only after draining its pipes). Stdin is buffered until the
 * container runs, then relayed to conmon; the client's half-close closes the container's stdin.
 */
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import { DetachScanner, parseDetachKeys } from '../detach-keys.js';
import { conflict } from '../../errors/index.js';
import type { ContainerService } from '../../engine/containers/container-service.js';
import type { ContainerStreams } from '../../engine/containers/dependencies.js';
import { acceptUpgrade } from '../hijack.js';
import type { Router } from '../router.js';
import { flag, outputWriter } from '../stream-output.js';
import { sendEmpty } from '../http.js';

export interface StreamRouteDeps {
  containers: ContainerService;
  streams: ContainerStreams;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves true once the container runs, false if it exits or the client leaves first. */
async function untilRunning(containers: ContainerService, id: string, over: () => boolean): Promise<boolean> {
  for (;;) {
    const container = containers.find(id);
    if (!container || over()) return false;
    if (container.state.status === 'running') return true;
    await delay(10);
  }
}

/**
 * Relays the client's stdin to the container. With `detachKeys` (TTY attaches, as Docker), typing
 * them ends the attach and leaves the container and its stdin alone (`onDetach`).
 */
function forwardStdin(socket: Duplex, head: Buffer, deps: StreamRouteDeps, id: string, over: () => boolean, detach?: { keys: Buffer; onDetach: () => void }): void {
  const input = new PassThrough();
  let source: Readable = input;
  let detached = false;
  if (detach) {
    const scanner = new DetachScanner(detach.keys);
    scanner.once('detach', () => {
      detached = true;
      detach.onDetach();
    });
    source = input.pipe(scanner);
  }
  if (head.length > 0) input.write(head);
  socket.pipe(input);
  void untilRunning(deps.containers, id, over).then((running) => {
    if (!running) return source.resume();
    const stdin = deps.streams.openStdin(id);
    stdin.on('error', () => undefined);
    source.pipe(stdin, { end: false });
    // The client's end of input ends the container's stdin (StdinOnce decides what that means);
    // a detach just lets go.
    socket.once('close', () => (detached ? stdin.destroy() : stdin.end()));
    source.once('end', () => {
      if (!detached) stdin.end();
    });
  });
}

export function attachRoutes(router: Router, deps: StreamRouteDeps): void {
  const { containers, streams } = deps;

  router.addHijack('POST', '/containers/{id}/attach', async ({ socket, head, params, query }) => {
    const container = containers.get(params['id'] ?? '');
    const { id } = container;
    const live = flag(query.get('stream'));
    const detachKeys = parseDetachKeys(query.get('detachKeys') ?? '');
    if (container.state.status === 'paused') throw conflict('container-paused', `You cannot attach to a paused container, unpause it first`);
    const write = outputWriter(socket, { tty: container.config.tty, stdout: flag(query.get('stdout')), stderr: flag(query.get('stderr')) });
    // Registered before the 101, so an exit right after `start` can't slip by; the client
    // leaving drops it from the registry (it would otherwise wait for the container's exit).
    const left = new AbortController();
    socket.once('close', () => left.abort());
    const exited = live ? containers.waiters.nextExit(id, left.signal) : Promise.resolve(0);
    const reader = await streams.openOutput(id, containers.directoryOf(id), {
      from: flag(query.get('logs')) ? 'start' : 'end',
      onEntry: (entry) => write(entry.stream, entry.data),
    });
    acceptUpgrade(socket);
    containers.emit(container, 'attach');
    let closed = false;
    const gone = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    void gone.then(() => (closed = true));
    let over = false;
    void exited.then(() => (over = true));
    let detached!: () => void;
    const detach = new Promise<void>((resolve) => (detached = resolve));
    if (live && flag(query.get('stdin')) && container.config.openStdin) {
      forwardStdin(socket, head, deps, id, () => over || closed, container.config.tty ? { keys: detachKeys, onDetach: detached } : undefined);
    } else socket.resume();
    if (live) {
      reader.follow();
      await Promise.race([exited, gone, detach]);
    }
    await reader.stop();
    if (!closed) socket.end();
  });

  router.add('POST', '/containers/{id}/resize', async ({ response, params, query }) => {
    const container = containers.get(params['id'] ?? '');
    if (container.state.status !== 'running') throw conflict('container-not-running', `Container ${container.id} is not running`);
    await streams.resize(container.id, Number(query.get('h') ?? 0), Number(query.get('w') ?? 0));
    sendEmpty(response, 200);
  });
}
