/**
 * Attack tests of issue 10, item 8: the embedded resolver listens only inside each container's
 * namespace (nothing in the host's, nobody else can use a container's resolver), and its caps
 * hold under attack from a container: a dnsperf flood does not starve another container, a TCP
 * trickle is cut by the idle limit and the whole-connection deadline, and a 17th TCP connection
 * from one container is closed while another container still resolves over TCP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, startProcess, type ProcessHandle } from '../../src/exec/index.js';
import { delay, withHost, type TestHost } from '../helpers/host.js';

const PROBE = resolve(fileURLToPath(import.meta.url), '../../helpers/dns-probe.js');
const FAKE_UPSTREAM = resolve(fileURLToPath(import.meta.url), '../../helpers/fake-upstream.js');
const UPSTREAM = '10.53.0.1';
/** Takes queries and never answers: every forward to it stays in flight for the forwarder's 2 s. */
const SILENT_UPSTREAM = '10.53.0.8';

interface Resolved {
  sent: number;
  answered: number;
  failures: string[];
  maxMs: number;
}

async function ok(host: TestHost, args: string[]): Promise<string> {
  const result = await host.docker(args, { timeoutMs: 120_000 });
  assert.equal(result.code, 0, `docker ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
  return result.stdout.trim();
}

/** A busybox container that sleeps; returns its PID (its namespace is where the probes run). */
async function sleeper(host: TestHost, name: string, args: string[]): Promise<string> {
  await ok(host, ['run', '-d', '--name', name, ...args, 'busybox', 'sleep', '600']);
  return ok(host, ['inspect', '-f', '{{.State.Pid}}', name]);
}

function inContainer(pid: string, argv: string[]): string[] {
  return ['nsenter', '-t', pid, '-n', '--', ...argv];
}

async function probe<T>(netns: string[], args: string[], timeoutMs = 120_000): Promise<T> {
  const result = await run([...netns, process.execPath, PROBE, ...args], { timeoutMs });
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as T;
}

/** Must fail: nothing answers this query (a short timeout is enough). */
async function unanswered(netns: string[], server: string, transport: 'udp' | 'tcp'): Promise<void> {
  const result = await probe<Resolved>(netns, ['resolve', server, 'web', '1', '1000', transport], 30_000);
  assert.equal(result.answered, 0, `${server} over ${transport} answered from ${netns.join(' ')}`);
}

async function resolverPort(host: TestHost): Promise<string> {
  const port = /"msg":"embedded dns ready","port":(\d+)/.exec(await host.log())?.[1];
  assert.ok(port, 'the daemon logs its resolver port');
  return port;
}

test('the resolver listens only inside containers: nothing in the host namespace, nobody uses another container\'s resolver', { timeout: 300_000 }, async () => {
  await withHost(async (host) => {
    await ok(host, ['network', 'create', 'a']);
    await ok(host, ['network', 'create', 'b']);
    const webPid = await sleeper(host, 'web', ['--network', 'a']);
    const peerPid = await sleeper(host, 'peer', ['--network', 'a']);
    const otherPid = await sleeper(host, 'other', ['--network', 'b']);
    const port = await resolverPort(host);
    const webAddress = await ok(host, ['inspect', '-f', '{{.NetworkSettings.Networks.a.IPAddress}}', 'web']);
    const gateway = await ok(host, ['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Gateway}}', 'a']);

    // The host namespace: no socket on 53 or on the resolver's port, UDP or TCP.
    const hostNetns = ['nsenter', `--net=${host.netnsPath}`, '--'];
    const listening = (await run([...hostNetns, 'ss', '-Hlnut'], { timeoutMs: 15_000 })).stdout;
    assert.doesNotMatch(listening, new RegExp(`:(53|${port})\\s`), listening);
    // Inside a container: the resolver's sockets on 127.0.0.11:PORT, nothing else of ours.
    const inside = (await run(inContainer(webPid, ['ss', '-Hlnut']), { timeoutMs: 15_000 })).stdout;
    assert.match(inside, new RegExp(`udp.*127\\.0\\.0\\.11:${port}\\s`), inside);
    assert.match(inside, new RegExp(`tcp.*127\\.0\\.0\\.11:${port}\\s`), inside);

    // The container resolves; the same resolver can't be asked from anywhere else.
    assert.equal((await probe<Resolved>(inContainer(webPid, []), ['resolve', '127.0.0.11', 'peer', '3', '5000', 'udp'])).answered, 3);
    const attempts: Array<Promise<void>> = [];
    for (const transport of ['udp', 'tcp'] as const) {
      for (const server of [`127.0.0.1:${port}`, `127.0.0.11:53`, `${gateway}:53`, `${gateway}:${port}`, `${webAddress}:53`, `${webAddress}:${port}`]) {
        attempts.push(unanswered(hostNetns, server, transport));
      }
      // A neighbour on the same network and a container on another network, at web's address.
      for (const pid of [peerPid, otherPid]) {
        attempts.push(unanswered(inContainer(pid, []), `${webAddress}:53`, transport));
        attempts.push(unanswered(inContainer(pid, []), `${webAddress}:${port}`, transport));
      }
    }
    await Promise.all(attempts);
    // other's own resolver knows nothing of network a.
    assert.equal((await probe<Resolved>(inContainer(otherPid, []), ['resolve', '127.0.0.11', 'web', '1', '5000', 'udp'])).answered, 0);
  });
});

async function startSilentUpstream(host: TestHost): Promise<ProcessHandle> {
  const log = join(host.dir, 'silent-upstream.log');
  const script = `const s=require('dgram').createSocket('udp4');s.on('message',()=>{});s.bind(53,'${SILENT_UPSTREAM}',()=>console.log('ready'))`;
  const silent = startProcess(['nsenter', `--net=${host.netnsPath}`, '--', process.execPath, '-e', script], { logFile: log });
  await waitFor(log, 'ready');
  return silent;
}

async function startFakeUpstream(host: TestHost): Promise<ProcessHandle> {
  const log = join(host.dir, 'fake-upstream.log');
  const upstream = startProcess(['nsenter', `--net=${host.netnsPath}`, '--', process.execPath, FAKE_UPSTREAM, UPSTREAM], { logFile: log });
  await waitFor(log, 'ready');
  return upstream;
}

async function waitFor(log: string, text: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const content = await readFile(log, 'utf8').catch(() => '');
    if (content.includes(text)) return content;
    if (Date.now() > deadline) throw new Error(`${log}: no "${text}" within ${timeoutMs} ms: ${content}`);
    await delay(50);
  }
}

async function descriptors(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`).catch(() => [])).length;
}

/** dnsperf's summary lines: sent, completed, and the count of each response code. */
function dnsperfSummary(output: string): { sent: number; completed: number; codes: Record<string, number> } {
  const sent = Number(/Queries sent:\s+(\d+)/.exec(output)?.[1] ?? 0);
  const completed = Number(/Queries completed:\s+(\d+)/.exec(output)?.[1] ?? 0);
  const codes: Record<string, number> = {};
  for (const [, code = '', count = '0'] of (/Response codes:\s+(.*)/.exec(output)?.[1] ?? '').matchAll(/(\w+) (\d+)/g)) codes[code] = Number(count);
  return { sent, completed, codes };
}

test('a dnsperf flood from one container: another container still gets all 60 answers, the flood is capped', { timeout: 300_000 }, async () => {
  await withHost(async (host) => {
    await host.ip(['addr', 'add', `${UPSTREAM}/24`, 'dev', 'lo']);
    await host.ip(['addr', 'add', `${SILENT_UPSTREAM}/24`, 'dev', 'lo']);
    const silent = await startSilentUpstream(host);
    const upstream = await startFakeUpstream(host);
    try {
      await ok(host, ['network', 'create', 'a']);
      await sleeper(host, 'web', ['--network', 'a']);
      const flooderPid = await sleeper(host, 'flooder', ['--network', 'a', '--dns', SILENT_UPSTREAM]);
      const victimPid = await sleeper(host, 'victim', ['--network', 'a', '--dns', UPSTREAM]);
      const daemonPid = host.daemonPid ?? 0;
      const baseline = await descriptors(daemonPid);
      // Names the resolver must forward (to the silent upstream), with its own names among them.
      const data = join(host.dir, 'dnsperf.txt');
      await writeFile(data, Array.from({ length: 5_000 }, (_, index) => (index % 10 === 0 ? 'web A' : `flood-${index}.example.com A`)).join('\n') + '\n');
      const flood = run(inContainer(flooderPid, ['dnsperf', '-s', '127.0.0.11', '-d', data, '-l', '20', '-q', '500', '-t', '3', '-c', '4']), { timeoutMs: 90_000 });
      let peak = baseline;
      let flooding = true;
      const sampler = (async () => {
        while (flooding) {
          peak = Math.max(peak, await descriptors(daemonPid));
          await delay(200);
        }
      })();
      await delay(3_000);
      const victim = await probe<Resolved>(inContainer(victimPid, []), ['resolve', '127.0.0.11', 'web,example.com', '60', '2000', 'udp']);
      const perf = await flood;
      flooding = false;
      await sampler;
      const summary = dnsperfSummary(perf.stdout);
      console.log(JSON.stringify({ victim, dnsperf: summary, daemonDescriptors: { baseline, peak } }));
      assert.equal(victim.answered, 60, `the victim's failures: ${victim.failures.join('; ')}`);
      assert.ok(summary.sent > 1_000, `dnsperf sent only ${summary.sent} queries:\n${perf.stdout}`);
      assert.ok((summary.codes['SERVFAIL'] ?? 0) > 0, 'forwards over the cap are answered SERVFAIL at once');
      // 64 forwards in flight at most (one socket each) plus the victim's: far from one per query.
      assert.ok(peak - baseline < 200, `the daemon held ${peak - baseline} more descriptors during the flood`);
    } finally {
      await Promise.all([silent.stop(2_000), upstream.stop(2_000)]);
    }
  });
});

test('TCP: a trickle is cut by the idle limit, a busy connection by the deadline', { timeout: 300_000 }, async () => {
  await withHost(async (host) => {
    await ok(host, ['network', 'create', 'a']);
    await sleeper(host, 'web', ['--network', 'a']);
    const tricklePid = await sleeper(host, 'trickle', ['--network', 'a']);

    // One byte a second never completes a query: closed at the 5 s idle limit. A whole query
    // every 2 s keeps it busy: closed at the 10 s deadline anyway.
    const [bytes, queries] = await Promise.all([
      probe<{ closedAfterMs: number | null }>(inContainer(tricklePid, []), ['trickle', '127.0.0.11', '1000', 'byte', '25000']),
      probe<{ closedAfterMs: number | null }>(inContainer(tricklePid, []), ['trickle', '127.0.0.11', '2000', 'query', '25000']),
    ]);
    console.log(JSON.stringify({ trickle: { bytes, queries } }));
    assert.ok(bytes.closedAfterMs !== null && bytes.closedAfterMs >= 4_000 && bytes.closedAfterMs <= 11_000, `one byte a second: ${JSON.stringify(bytes)}`);
    assert.ok(queries.closedAfterMs !== null && queries.closedAfterMs >= 9_000 && queries.closedAfterMs <= 13_000, `a query every 2 s: ${JSON.stringify(queries)}`);
  });
});

test('TCP: a 17th connection from one container is closed while another container still resolves over TCP', { timeout: 300_000 }, async () => {
  await withHost(async (host) => {
    await ok(host, ['network', 'create', 'a']);
    await sleeper(host, 'web', ['--network', 'a']);
    const holderPid = await sleeper(host, 'holder', ['--network', 'a']);
    const otherPid = await sleeper(host, 'other', ['--network', 'a']);

    const log = join(host.dir, 'hold.log');
    const holder = startProcess([...inContainer(holderPid, []), process.execPath, PROBE, 'hold', '127.0.0.11', '17', '1500', '20000'], { logFile: log });
    try {
      const held = JSON.parse((await waitFor(log, '"open"', 60_000)).trim().split('\n').pop() ?? '{}') as { open: number; closed: number[] };
      assert.deepEqual(held, { open: 16, closed: [16] }, 'the 17th connection is closed, the first 16 stay');
      const other = await probe<Resolved>(inContainer(otherPid, []), ['resolve', '127.0.0.11', 'web', '10', '2000', 'tcp']);
      assert.equal(other.answered, 10, `another container over TCP: ${other.failures.join('; ')}`);
    } finally {
      await holder.stop(2_000);
    }
  });
});
