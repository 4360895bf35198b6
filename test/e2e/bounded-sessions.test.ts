/**
 * Issue 10 item 11, sessions and waiters against a real daemon: an ended exec stays inspectable,
 * all of a container's exec sessions go at `rm`, at most 1024 sessions exist (the next create gets
 * a 409 saying so, also through `docker exec`), and clients of `wait` and `logs -f` that leave
 * don't leave anything behind in the daemon (descriptors, memory).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type ClientRequest } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import { delay, withHost, type TestHost } from '../helpers/host.js';

/** One API call over the daemon's socket with Node's client (no curl process per call). */
function call(host: TestHost, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: host.socket, method, path: `/v1.41${path}`, headers: { 'Content-Type': 'application/json' } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function createExec(host: TestHost, container: string): Promise<{ status: number; body: string }> {
  return call(host, 'POST', `/containers/${container}/exec`, { Cmd: ['true'], AttachStdout: true, AttachStderr: true });
}

const fdCount = async (pid: number): Promise<number> => (await readdir(`/proc/${pid}/fd`)).length;
const rssKb = async (pid: number): Promise<number> => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1]);

test('an ended exec stays inspectable; at most 1024 sessions (409 beyond, through docker exec too); all go at rm', async () => {
  await withHost(async (host) => {
    const container = await host.dockerOk(['run', '-d', 'busybox', 'sleep', '300']);
    const first = JSON.parse((await createExec(host, container)).body) as { Id: string };
    assert.equal((await call(host, 'POST', `/exec/${first.Id}/start`, { Detach: true })).status, 200);
    let inspect = { Running: true, ExitCode: null as number | null };
    for (let tries = 0; inspect.Running && tries < 100; tries++) {
      await delay(100);
      inspect = JSON.parse((await call(host, 'GET', `/exec/${first.Id}/json`)).body) as typeof inspect;
    }
    assert.deepEqual([inspect.Running, inspect.ExitCode], [false, 0], 'the ended session is still there');
    // Fill up to the cap, in parallel batches.
    for (let batch = 0; batch < 1023; batch += 64) {
      const answers = await Promise.all(Array.from({ length: Math.min(64, 1023 - batch) }, () => createExec(host, container)));
      for (const answer of answers) assert.equal(answer.status, 201, answer.body);
    }
    const refused = await createExec(host, container);
    assert.equal(refused.status, 409);
    assert.match(refused.body, /"message":"too many exec sessions \(1024\)/);
    const cli = await host.docker(['exec', container, 'true']);
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /too many exec sessions/);
    await host.dockerOk(['rm', '-f', container]);
    assert.equal((await call(host, 'GET', `/exec/${first.Id}/json`)).status, 404, 'freed at rm');
    const next = await host.dockerOk(['run', '-d', 'busybox', 'sleep', '300']);
    assert.equal(await host.dockerOk(['exec', next, 'echo', 'room again']), 'room again');
  });
});

test('200 waits and 100 logs -f whose clients leave leave no descriptors or memory behind', async () => {
  await withHost(async (host) => {
    const container = await host.dockerOk(['run', '-d', 'busybox', 'sh', '-c', 'echo hello; sleep 300']);
    const pid = host.daemonPid!;
    const open = (path: string): ClientRequest => {
      const req = request({ socketPath: host.socket, method: path.includes('wait') ? 'POST' : 'GET', path: `/v1.41${path}` });
      req.on('error', () => undefined);
      req.end();
      return req;
    };
    // The first rounds warm the daemon up (V8 grows its heap to a plateau and keeps it; with the
    // registry and layer store loaded it takes five rounds of 300 clients, ~50 MB): the measure is
    // over the last two rounds.
    let rssBeforeLast = 0;
    for (let round = 0; round < 7; round++) {
      if (round === 5) rssBeforeLast = await rssKb(pid);
      const fdsBefore = await fdCount(pid);
      const rssBefore = await rssKb(pid);
      const clients = [
        ...Array.from({ length: 200 }, (_, index) => open(`/containers/${container}/wait${index % 2 ? '?condition=removed' : ''}`)),
        ...Array.from({ length: 100 }, () => open(`/containers/${container}/logs?stdout=1&follow=1`)),
      ];
      await delay(2_000);
      assert.ok((await fdCount(pid)) >= fdsBefore + 300, 'the clients are connected');
      for (const client of clients) client.destroy();
      let fds = await fdCount(pid);
      for (let tries = 0; fds > fdsBefore + 5 && tries < 100; tries++) {
        await delay(100);
        fds = await fdCount(pid);
      }
      const rss = await rssKb(pid);
      console.log(`# round ${round}: daemon fds ${fdsBefore} -> ${fds}, RSS ${rssBefore} -> ${rss} kB`);
      if (round === 6) {
        assert.ok(fds <= fdsBefore + 5, `descriptors back to ${fdsBefore} (now ${fds})`);
        assert.ok(rss - rssBeforeLast < 15 * 1024, `RSS grew ${rss - rssBeforeLast} kB over the last two rounds`);
      }
    }
    // The container is untouched and a wait that stays still answers.
    const wait = host.docker(['wait', container]);
    await host.dockerOk(['kill', container]);
    assert.equal((await wait).stdout.trim(), '137');
  });
});
