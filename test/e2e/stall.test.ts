/**
 * No request stalls the daemon (issue 10, item 3). The attack of the issue with its exact input
 * (`docker network ls --filter 'name=^(a+)+z$'` next to a network named aaaa…a, which froze the
 * API and every container's DNS under a backtracking regex engine), and a watchdog: while
 * backtracking filters, slow-loris heads, huge bodies and idle connections hit the socket,
 * `/_ping` and the embedded DNS, sampled from a process of their own, answer within 100 ms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/exec/index.js';
import { delay, withHost, type TestHost } from '../helpers/host.js';
import { hugeBody, idleConnections, regexFlood, repeatedly, slowLoris, timedGet } from '../helpers/adversaries.js';

const PROBE = resolve(fileURLToPath(import.meta.url), '../../helpers/latency-probe.js');
const WATCHDOG_MS = 100;

async function names(host: TestHost, filter: string): Promise<string[]> {
  return (await host.dockerOk(['network', 'ls', '--filter', filter, '--format', '{{.Name}}'])).split('\n').filter(Boolean);
}

test('issue 10: `network ls --filter name=^(a+)+z$` next to a network named aaaa…a answers at once and the daemon keeps answering', { timeout: 180_000 }, async () => {
  await withHost(async (host) => {
    // Only a's, a length unique to the run: ^(a+)+z$ backtracks over every split of it.
    const name = 'a'.repeat(40 + randomInt(60));
    await host.dockerOk(['network', 'create', name]);

    const started = performance.now();
    const listing = host.docker(['network', 'ls', '--filter', 'name=^(a+)+z$', '--format', '{{.Name}}'], { timeoutMs: 10_000 });
    await delay(150);
    const ping = await timedGet(host.socket, '/_ping', 2_000);
    const listed = await listing;
    const elapsed = performance.now() - started;
    assert.equal(ping.status, 200, `/_ping while the filter runs: no answer within 2 s (${Math.round(ping.ms)} ms)`);
    assert.equal(listed.code, 0, `network ls: ${listed.stderr}`);
    assert.equal(listed.stdout.trim(), '', 'the pattern needs a z: nothing matches');
    assert.ok(elapsed < 2_000, `network ls took ${Math.round(elapsed)} ms`);

    // Still Go's filters.Match: an unanchored RE2 search, Go-only syntax included, exact match first.
    assert.deepEqual(await names(host, 'name=^a+$'), [name]);
    assert.deepEqual(await names(host, 'name=aaa'), [name]);
    assert.deepEqual(await names(host, `name=(?i)^A{${name.length}}$`), [name]);
    assert.deepEqual(await names(host, 'name=^(a+)+$'), [name]);
    assert.deepEqual(await names(host, 'name=a('), [], 'a pattern that does not compile matches nothing');
    assert.deepEqual(await names(host, 'name=a(?=a)'), [], 'no look-ahead in RE2');
  });
});

const GiB = 1024 ** 3;
const HUGE_HEADS = [
  'POST /v1.41/networks/create HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n',
  'POST /v1.41/exec/none/start HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n',
];

/** Every attack at once; the huge bodies come again every half second while the probe samples. */
function startAdversaries(socket: string) {
  const regex = regexFlood(socket, 4, 50);
  const loris = slowLoris(socket, 50, 100);
  const idle = idleConnections(socket, 200);
  const bodies = HUGE_HEADS.map((head) => repeatedly('huge body', 500, () => hugeBody(socket, head, GiB)));
  return { all: [regex, loris, idle, ...bodies], regex, loris, idle, bodies };
}

test('watchdog: /_ping and the embedded DNS answer within 100 ms while adversarial requests run', { timeout: 300_000 }, async () => {
  await withHost(async (host) => {
    const suffix = randomInt(1e9).toString(36);
    const network = `watchdog-${suffix}`;
    const probe = `probe-${suffix}`;
    await host.dockerOk(['network', 'create', network]);
    await host.dockerOk(['network', 'create', 'a'.repeat(64)]);
    await host.dockerOk(['run', '-d', '--network', network, '--name', probe, 'busybox', 'sleep', '600']);
    const pid = await host.dockerOk(['inspect', '-f', '{{.State.Pid}}', probe]);
    const sample = async (count: number): Promise<{ ping: number[]; dns: number[] }> => {
      const sampled = await run(['nsenter', '-t', pid, '-n', process.execPath, PROBE, host.socket, probe, String(count), '100'], { timeoutMs: 120_000, allowFailure: true });
      assert.equal(sampled.code, 0, `latency probe: ${sampled.stderr}`);
      return JSON.parse(sampled.stdout) as { ping: number[]; dns: number[] };
    };
    const quiet = await sample(20);

    const adversaries = startAdversaries(host.socket);
    try {
      await delay(1_000);
      // 120 samples of each, 100 ms apart: longer than the daemon's 10 s header deadline.
      const { ping, dns } = await sample(120);
      const slow = (samples: number[]): number[] => samples.filter((ms) => ms > WATCHDOG_MS);
      const context = `\nunder attack: ping ${ping.join(' ')}\n              dns ${dns.join(' ')}\nquiet: ping ${quiet.ping.join(' ')}\n       dns ${quiet.dns.join(' ')}`;
      assert.deepEqual(slow(ping), [], `/_ping over ${WATCHDOG_MS} ms${context}`);
      assert.deepEqual(slow(dns), [], `DNS over ${WATCHDOG_MS} ms${context}`);

      // The attacks were answered, not queued: filters in time, bodies refused early, heads cut.
      assert.ok(adversaries.regex.statuses.length > 20 && adversaries.regex.statuses.every((status) => status === 200), `filter statuses: ${adversaries.regex.statuses.slice(0, 20).join(' ')}`);
      // Refused from the announced length: a 400, or a reset when the refusal cut the sender's write.
      for (const body of adversaries.bodies) {
        const results = await Promise.all(body.attempts.map((attempt) => attempt.result));
        for (const { reply, sent } of results) {
          assert.ok(reply === '' || /^HTTP\/1\.1 400 [^]*request body too large/.test(reply), `huge body answered ${JSON.stringify(reply)}`);
          assert.ok(sent < 64 * 1024 ** 2, `huge body: ${sent} bytes written before the daemon closed`);
        }
        assert.ok(results.some(({ reply }) => reply !== ''), 'some huge body was answered with a 400');
      }
      assert.equal(adversaries.loris.closedAfterMs.length, 50, 'slow-loris connections cut by the header deadline');
      assert.equal(adversaries.idle.closed(), 200, 'idle connections closed');
    } finally {
      await Promise.all(adversaries.all.map((adversary) => adversary.stop()));
    }
    assert.equal((await timedGet(host.socket, '/_ping')).status, 200);
  });
});
