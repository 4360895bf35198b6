/**
 * `docker events` with the real docker CLI (issue 12, item 6): a `run --rm` shows create, start,
 * die and destroy in that order; `--since`/`--until` replay the daemon's buffer; `--filter`
 * narrows by container, event and type; network and image events; a live stream ends at `--until`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withHost, type TestHost } from '../helpers/host.js';

interface Message {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  status?: string;
  id?: string;
  from?: string;
  time: number;
  timeNano: number;
}

const now = (): string => (Date.now() / 1000).toFixed(3);

async function events(host: TestHost, args: readonly string[]): Promise<Message[]> {
  const out = await host.dockerOk(['events', '--format', '{{json .}}', ...args]);
  return out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Message);
}

/** Whether `wanted` appears in `seen` in order, other entries between allowed. */
function subsequence(seen: readonly string[], wanted: readonly string[]): boolean {
  let at = 0;
  for (const item of seen) if (item === wanted[at]) at += 1;
  return at === wanted.length;
}

test('docker events: run --rm shows create, start, die, destroy in order; since/until replay; filters; network and image events', async () => {
  await withHost(async (host) => {
    const since = now();
    await host.dockerOk(['network', 'create', 'evnet']);
    const id = await host.dockerOk(['run', '-d', '--rm', '--name', 'ev1', '--label', 'tier=front', '--network', 'evnet', 'busybox', 'sh', '-c', 'exit 3']);
    await host.docker(['wait', id]);
    for (let tries = 0; tries < 100 && (await host.docker(['inspect', id])).code === 0; tries += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    await host.dockerOk(['network', 'rm', 'evnet']);
    await host.dockerOk(['tag', 'busybox', 'evimage:1']);
    await host.dockerOk(['rmi', 'evimage:1']);
    await host.dockerOk(['volume', 'create', 'evvol']);
    await host.dockerOk(['volume', 'rm', 'evvol']);
    const until = now();

    const all = await events(host, ['--since', since, '--until', until]);
    const ofContainer = all.filter((event) => event.Type === 'container' && event.Actor.ID === id);
    const actions = ofContainer.map((event) => event.Action);
    assert.ok(subsequence(actions, ['create', 'start', 'die', 'destroy']), `container events: ${actions.join(', ')}`);
    const die = ofContainer.find((event) => event.Action === 'die');
    assert.deepEqual(die && [die.Actor.Attributes['exitCode'], die.Actor.Attributes['name'], die.Actor.Attributes['image'], die.Actor.Attributes['tier']], ['3', 'ev1', 'busybox', 'front']);
    assert.deepEqual(die && [die.status, die.id, die.from], ['die', id, 'busybox'], 'the legacy fields of container events');
    assert.ok(die && String(die.timeNano).startsWith(String(die.time)), 'timeNano is time in nanoseconds');
    const times = all.map((event) => BigInt(event.timeNano));
    assert.ok(times.every((time, index) => index === 0 || time > (times[index - 1] ?? 0n)), 'events come in time order');

    const network = all.filter((event) => event.Type === 'network' && event.Actor.Attributes['name'] === 'evnet').map((event) => event.Action);
    assert.deepEqual(network, ['create', 'connect', 'disconnect', 'destroy']);
    const connect = all.find((event) => event.Type === 'network' && event.Action === 'connect' && event.Actor.Attributes['name'] === 'evnet');
    assert.equal(connect?.Actor.Attributes['container'], id);
    assert.ok(subsequence(all.map((event) => `${event.Type}:${event.Action}`), ['container:create', 'network:connect', 'container:start', 'container:die', 'network:disconnect', 'container:destroy']));
    const images = all.filter((event) => event.Type === 'image').map((event) => `${event.Action} ${event.Actor.Attributes['name']}`);
    assert.deepEqual(images, ['tag evimage:1', 'untag evimage:1']);
    const volumes = all.filter((event) => event.Type === 'volume' && event.Actor.ID === 'evvol').map((event) => event.Action);
    assert.deepEqual(volumes, ['create', 'destroy']);
    // The CLI's default format: time, type, action, id and the attributes.
    const plain = await host.dockerOk(['events', '--since', since, '--until', until, '--filter', 'event=die']);
    assert.match(plain, new RegExp(`container die ${id} \\(.*exitCode=3.*name=ev1.*\\)`));

    // Filters: by name and event, by label, by type; an event outside since/until is left out.
    const dies = await events(host, ['--since', since, '--until', until, '--filter', 'container=ev1', '--filter', 'event=die']);
    assert.deepEqual(dies.map((event) => event.Actor.ID), [id]);
    const labelled = await events(host, ['--since', since, '--until', until, '--filter', 'label=tier=front', '--filter', 'event=start']);
    assert.deepEqual(labelled.map((event) => event.Action), ['start']);
    const networks = await events(host, ['--since', since, '--until', until, '--filter', 'type=network', '--filter', 'network=evnet']);
    assert.deepEqual(networks.map((event) => event.Action), ['create', 'connect', 'disconnect', 'destroy']);
    const later = await events(host, ['--since', until, '--until', now()]);
    assert.deepEqual(later, [], 'nothing happened after until');
    const bad = await host.docker(['events', '--since', since, '--until', until, '--filter', 'colour=red']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid filter 'colour'/);
    // Attached (no -d): Docker's attach event comes between create and start.
    const attachedSince = now();
    await host.dockerOk(['run', '--rm', '--name', 'ev3', 'busybox', 'true']);
    const attached = await events(host, ['--since', attachedSince, '--until', now(), '--filter', 'container=ev3']);
    assert.ok(subsequence(attached.map((event) => event.Action), ['create', 'attach', 'start', 'die']), attached.map((event) => event.Action).join(', '));
  });
});

test('docker events: a live stream shows what happens and ends at --until; stop shows kill 15, kill 9 (after -t), die, stop', async () => {
  await withHost(async (host) => {
    await host.dockerOk(['run', '-d', '--name', 'ev2', 'busybox', 'sleep', '600']);
    // No --since: live events only (an --until alone would replay the buffer too, as Docker's does).
    const stream = host.docker(['events', '--filter', 'container=ev2', '--format', '{{.Action}} {{index .Actor.Attributes "signal"}}', '--since', now(), '--until', (Date.now() / 1000 + 7).toFixed(3)], { timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // sleep as PID 1 has no SIGTERM handler: the stop's SIGKILL follows after 1 s.
    await host.dockerOk(['stop', '-t', '1', 'ev2']);
    await host.dockerOk(['rm', 'ev2']);
    const started = Date.now();
    const result = await stream;
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n').map((line) => line.trim()), ['kill 15', 'kill 9', 'die', 'stop', 'destroy']);
    assert.ok(Date.now() - started < 8_000, 'the stream ended at --until');
  });
});
