/**
 * Exec: create (201 {"Id"}), start (hijacked unless Detach), inspect, resize. The CLI reads the
 * exit code from /exec/{id}/json once the stream ends, so the stream ends only after the process
 * has exited and its output is written.
 */
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { DetachScanner, parseDetachKeys } from '../detach-keys.js';
import { invalid } from '../../errors/index.js';
import type { ExecService, StartedExec } from '../../engine/exec/exec-service.js';
import { decodeExecCreate, decodeExecStart } from '../decode/exec.js';
import { acceptUpgrade, type HijackHandler } from '../hijack.js';
import { commonHeaders, readJson, sendEmpty, sendJson } from '../http.js';
import { renderExec } from '../render/exec.js';
import type { Router } from '../router.js';
import { MULTIPLEXED, RAW, outputWriter } from '../stream-output.js';

/** Copies the process's output to the client; resolves once the process exited and all is written. */
async function pump(started: StartedExec, sink: Writable): Promise<number> {
  const { handle, session } = started;
  const write = outputWriter(sink, { tty: started.tty, stdout: session.config.attachStdout, stderr: session.config.attachStderr });
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

/** The hijacked start: output out, stdin in; on a TTY the detach keys let go of the process. */
function hijackedStart(execs: ExecService): HijackHandler {
  return async ({ socket, head, params, body }) => {
    const options = decodeExecStart(body);
    const id = execs.get(params['id'] ?? '').id;
    const tty = execs.ttyOf(id, options);
    acceptUpgrade(socket);
    // As Docker does: a failure to start (unknown user) is reported in the stream, exit code 126.
    const started = await execs.start(id, options).catch((error: unknown) => {
      outputWriter(socket, { tty, stdout: true, stderr: true })('stdout', Buffer.from(`${(error as Error).message}\r\n`));
      return undefined;
    });
    if (!started) return void socket.end();
    const { handle, session } = started;
    let closed = false;
    let detached = false;
    // Output goes through `out`, so that a detach can let go of the client and drain the rest.
    const out = new PassThrough();
    out.pipe(socket);
    const letGo = (): void => {
      out.unpipe(socket);
      out.resume();
    };
    // As Docker, the process outlives its client (the CLI detaches by itself on its detach keys,
    // or is interrupted): what it still writes is drained, so it never blocks on a pipe.
    socket.once('close', () => ((closed = true), letGo()));
    const stdin = handle.stdin;
    if (stdin && session.config.attachStdin) {
      let source: Readable = socket;
      if (tty) {
        // As `docker exec -it`: the detach keys leave the process running, its output drained.
        const scanner = new DetachScanner(parseDetachKeys(session.config.detachKeys));
        scanner.once('detach', () => ((detached = true), letGo(), socket.end()));
        source = socket.pipe(scanner);
      }
      if (head.length > 0) stdin.write(head);
      source.pipe(stdin, { end: false });
      source.once('end', () => {
        if (!detached) stdin.end();
      });
    } else socket.resume();
    if (!options.detach) await pump(started, out);
    if (!closed && !detached) out.end();
  };
}

export function execRoutes(router: Router, execs: ExecService): void {
  router.add('POST', '/containers/{id}/exec', async ({ request, response, params }) => {
    const id = execs.create(params['id'] ?? '', decodeExecCreate(await readJson(request)));
    sendJson(response, 201, { Id: id });
  });

  router.addHijack('POST', '/exec/{id}/start', hijackedStart(execs));

  // Without an upgrade: detached (`docker exec -d`), or output as a plain streaming body.
  router.add('POST', '/exec/{id}/start', async ({ request, response, params }) => {
    const options = decodeExecStart(JSON.stringify((await readJson(request, { optional: true })) ?? {}));
    const started = await execs.start(params['id'] ?? '', options);
    if (options.detach) return sendEmpty(response, 200);
    response.writeHead(200, { ...commonHeaders(), 'Content-Type': started.tty ? RAW : MULTIPLEXED });
    await pump(started, response);
    response.end();
  });

  router.add('GET', '/exec/{id}/json', ({ response, params }) => {
    sendJson(response, 200, renderExec(execs.get(params['id'] ?? '')));
  });

  router.add('POST', '/exec/{id}/resize', async ({ response, params, query }) => {
    const height = Number(query.get('h') ?? 0);
    const width = Number(query.get('w') ?? 0);
    if (!Number.isInteger(height) || !Number.isInteger(width)) throw invalid('resize', 'invalid height or width');
    await execs.resize(params['id'] ?? '', height, width);
    sendEmpty(response, 200);
  });
}
