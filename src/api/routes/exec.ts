/**
 * Exec: create (201 {"Id"}), start (hijacked unless Detach), inspect, resize. The CLI reads the
 * exit code from /exec/{id}/json once the stream ends, so the stream ends only after the process
 * has exited and its output is written.
 */
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { DetachScanner, parseDetachKeys } from '../detach-keys.js';
import { invalid } from '../../errors/index.js';
import type { ExecHandle } from '../../engine/containers/dependencies.js';
import type { ExecService, ExecSession } from '../../engine/exec/exec-service.js';
import { acceptUpgrade } from '../hijack.js';
import { commonHeaders, readJson, sendEmpty, sendJson } from '../http.js';
import type { Router } from '../router.js';
import { MULTIPLEXED, RAW, outputWriter } from '../stream-output.js';

function parseStart(text: string): { detach: boolean; tty?: boolean } {
  if (text.trim() === '') return { detach: false };
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw invalid('request-json', `invalid JSON in request body: ${(error as Error).message}`);
  }
  return { detach: body['Detach'] === true, ...(typeof body['Tty'] === 'boolean' ? { tty: body['Tty'] } : {}) };
}

/** Copies the process's output to the client; resolves once the process exited and all is written. */
async function pump(started: { handle: ExecHandle; session: ExecSession; finished: Promise<number> }, sink: Writable, tty: boolean): Promise<number> {
  const { handle, session } = started;
  const write = outputWriter(sink, { tty, stdout: session.config.attachStdout, stderr: session.config.attachStderr });
  for (const [name, stream] of [['stdout', handle.stdout], ['stderr', handle.stderr]] as const) {
    stream?.on('data', (chunk: Buffer) => {
      const slow = write(name, chunk);
      if (slow) {
        stream.pause();
        void slow.then(() => stream.resume());
      }
    });
  }
  return started.finished;
}

function render(session: ExecSession): Record<string, unknown> {
  const [entrypoint, ...args] = session.config.cmd;
  return {
    ID: session.id,
    Running: session.running,
    ExitCode: session.exitCode,
    ProcessConfig: {
      tty: session.config.tty, entrypoint, arguments: args, privileged: session.config.privileged,
      ...(session.config.user ? { user: session.config.user } : {}),
    },
    OpenStdin: session.config.attachStdin,
    OpenStderr: session.config.attachStderr,
    OpenStdout: session.config.attachStdout,
    CanRemove: false,
    ContainerID: session.containerId,
    DetachKeys: session.config.detachKeys,
    Pid: session.pid,
  };
}

export function execRoutes(router: Router, execs: ExecService): void {
  router.add('POST', '/containers/{id}/exec', async ({ request, response, params }) => {
    const body = await readJson(request);
    const keys = (body as Record<string, unknown> | null)?.['DetachKeys'];
    if (typeof keys === 'string') parseDetachKeys(keys);
    const id = execs.create(params['id'] ?? '', body);
    sendJson(response, 201, { Id: id });
  });

  router.addHijack('POST', '/exec/{id}/start', async ({ socket, head, params, body }) => {
    const options = parseStart(body);
    const session = execs.get(params['id'] ?? '');
    const tty = options.tty ?? session.config.tty;
    acceptUpgrade(socket);
    // As Docker does: a failure to start (unknown user) is reported in the stream, exit code 126.
    const started = await execs.start(session.id, options).catch((error: unknown) => {
      outputWriter(socket, { tty, stdout: true, stderr: true })('stdout', Buffer.from(`${(error as Error).message}\r\n`));
      return undefined;
    });
    if (!started) return void socket.end();
    const { handle } = started;
    let closed = false;
    let detached = false;
    // Output goes through `out`, so that a detach can let go of the client and drain the rest.
    const out = new PassThrough();
    out.pipe(socket);
    socket.once('close', () => {
      closed = true;
      // As Docker, the process outlives its client (the CLI detaches by itself on its detach
      // keys, or is interrupted): what it still writes is drained, so it never blocks on a pipe.
      out.unpipe(socket);
      out.resume();
    });
    const stdin = handle.stdin;
    if (stdin && session.config.attachStdin) {
      let source: Readable = socket;
      if (tty) {
        // As `docker exec -it`: the detach keys leave the process running, its output drained.
        const scanner = new DetachScanner(parseDetachKeys(session.config.detachKeys));
        scanner.once('detach', () => {
          detached = true;
          out.unpipe(socket);
          out.resume();
          socket.end();
        });
        source = socket.pipe(scanner);
      }
      if (head.length > 0) stdin.write(head);
      source.pipe(stdin, { end: false });
      source.once('end', () => {
        if (!detached) stdin.end();
      });
    } else socket.resume();
    if (options.detach) handle.stdout?.resume(), handle.stderr?.resume();
    else await pump(started, out, tty);
    if (!closed && !detached) out.end();
  });

  // Without an upgrade: detached (`docker exec -d`), or output as a plain streaming body.
  router.add('POST', '/exec/{id}/start', async ({ request, response, params }) => {
    const options = parseStart(JSON.stringify((await readJson(request, { optional: true })) ?? {}));
    const started = await execs.start(params['id'] ?? '', options);
    const { session, handle } = started;
    if (options.detach) {
      handle.stdout?.resume();
      handle.stderr?.resume();
      sendEmpty(response, 200);
      return;
    }
    const tty = options.tty ?? session.config.tty;
    response.writeHead(200, { ...commonHeaders(), 'Content-Type': tty ? RAW : MULTIPLEXED });
    await pump(started, response, tty);
    response.end();
  });

  router.add('GET', '/exec/{id}/json', ({ response, params }) => {
    sendJson(response, 200, render(execs.get(params['id'] ?? '')));
  });

  router.add('POST', '/exec/{id}/resize', async ({ response, params, query }) => {
    const height = Number(query.get('h') ?? 0);
    const width = Number(query.get('w') ?? 0);
    if (!Number.isInteger(height) || !Number.isInteger(width)) throw invalid('resize', 'invalid height or width');
    await execs.resize(params['id'] ?? '', height, width);
    sendEmpty(response, 200);
  });
}
