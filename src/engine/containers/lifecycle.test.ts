/** Restart policies, stop signal and timeout, pause, rename and update on the fake runtime. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../../errors/index.js';
import { containerFixture as setup } from './container-service.test-support.js';
import { decodeContainerCreate } from '../../api/decode/container-create.js';
import type { ContainerService } from './container-service.js';

const create = (body: Record<string, unknown>, host: Record<string, unknown> = {}) => decodeContainerCreate({ Image: 'busybox', Cmd: ['sleep', '60'], ...body, HostConfig: host });
const kindIs = (kind: string, message: RegExp) => (error: unknown) => error instanceof EngineError && error.kind === kind && message.test(error.message);

async function until(check: () => boolean, what: string, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const status = (service: ContainerService, id: string) => service.get(id).state.status;

test('always: each exit brings it back after the backoff, RestartCount grows; a stop is final', async () => {
  const { runtime, service, done } = await setup();
  try {
    const { id } = await service.create(create({}, { RestartPolicy: { Name: 'always' } }), 'ca');
    await service.start(id);
    const starts = runtime.startCalls;
    runtime.exit(id, 0);
    await until(() => status(service, id) === 'restarting', 'restarting');
    assert.equal(service.get(id).restartCount, 1);
    await until(() => runtime.startCalls === starts + 1 && status(service, id) === 'running', 'first restart');
    runtime.exit(id, 137);
    await until(() => runtime.startCalls === starts + 2 && status(service, id) === 'running', 'second restart');
    assert.equal(service.get(id).restartCount, 2);
    assert.equal(await service.stop(id, 1), true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(status(service, id), 'exited');
    assert.equal(service.get(id).manuallyStopped, true);
    assert.equal(runtime.startCalls, starts + 2);
    // A manual start is a fresh restart manager: the count starts again.
    await service.start(id);
    assert.equal(service.get(id).restartCount, 0);
    assert.equal(service.get(id).manuallyStopped, undefined);
  } finally {
    await done();
  }
});

test('on-failure:2 restarts after failures only, twice, then stays exited', async () => {
  const { runtime, service, done } = await setup();
  try {
    const { id } = await service.create(create({}, { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } }), 'cf');
    await service.start(id);
    for (let round = 1; round <= 2; round += 1) {
      runtime.exit(id, 1);
      await until(() => status(service, id) === 'running' && service.get(id).restartCount === round, `restart ${round}`);
    }
    runtime.exit(id, 1);
    await until(() => status(service, id) === 'exited', 'final exit');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(status(service, id), 'exited');
    assert.equal(service.get(id).restartCount, 2);
    const { id: clean } = await service.create(create({}, { RestartPolicy: { Name: 'on-failure' } }), 'cg');
    await service.start(clean);
    runtime.exit(clean, 0);
    await until(() => status(service, clean) === 'exited', 'clean exit');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(status(service, clean), 'exited', 'exit 0 is not a failure');
  } finally {
    await done();
  }
});

test('daemon start: always and unless-stopped come back; a stopped unless-stopped and a no stay down', async () => {
  const { kernel, runtime, service, endpoints, done } = await setup();
  try {
    const ids: Record<string, string> = {};
    for (const [name, policy] of [['always', 'always'], ['unless', 'unless-stopped'], ['stopped', 'unless-stopped'], ['stoppedAlways', 'always'], ['none', 'no']] as const) {
      ids[name] = (await service.create(create({}, { RestartPolicy: { Name: policy } }), name)).id;
      await service.start(ids[name] ?? '');
    }
    await service.stop(ids['stopped'] ?? '', 1);
    await service.stop(ids['stoppedAlways'] ?? '', 1);
    // What recovery makes of a reboot: records of running containers whose processes are gone are
    // marked exited, their endpoints disconnected.
    for (const name of ['always', 'unless', 'none']) {
      const id = ids[name] ?? '';
      runtime.alive.delete(id);
      await kernel.sandboxes.remove(service.get(id).sandbox);
      await service.markExited(id, 255);
      for (const endpoint of endpoints.endpointsOfContainer(id)) await endpoints.disconnect(endpoint.networkId, id);
    }
    const started = await service.startByPolicy();
    assert.deepEqual(started.sort(), [ids['always'], ids['unless'], ids['stoppedAlways']].sort());
    for (const name of ['always', 'unless', 'stoppedAlways']) assert.equal(status(service, ids[name] ?? ''), 'running', name);
    for (const name of ['stopped', 'none']) assert.equal(status(service, ids[name] ?? ''), 'exited', name);
    assert.ok(runtime.alive.has(ids['always'] ?? ''));
  } finally {
    await done();
  }
});

test('stop sends --stop-signal and waits --stop-timeout before KILL; the query overrides both', async () => {
  const { runtime, service, done } = await setup();
  try {
    const { id } = await service.create(create({ StopSignal: 'SIGUSR1', StopTimeout: 0 }), 'cs');
    await service.start(id);
    runtime.ignored.add('10');
    // The stop's timer doesn't hold the event loop (the daemon's server does): this one stands in.
    const keep = setInterval(() => undefined, 1_000);
    await service.stop(id).finally(() => clearInterval(keep));
    assert.deepEqual(runtime.signals, [`${id} 10`, `${id} SIGKILL`]);
    await service.start(id);
    runtime.signals.length = 0;
    await service.stop(id, 5, 'SIGINT');
    assert.deepEqual(runtime.signals, [`${id} SIGINT`]);
  } finally {
    await done();
  }
});

test('pause freezes, unpause thaws, Docker\'s 409s; stop and rm -f thaw a paused container', async () => {
  const { runtime, service, done } = await setup();
  try {
    const { id } = await service.create(create({}), 'cp');
    await assert.rejects(service.pause(id), kindIs('conflict', /is not running/));
    await service.start(id);
    await service.pause(id);
    assert.ok(runtime.frozen.has(id));
    assert.equal(service.get(id).state.paused, true);
    await assert.rejects(service.pause(id), kindIs('conflict', /is already paused/));
    await assert.rejects(service.remove(id), kindIs('conflict', /cannot remove a paused container/));
    await service.unpause(id);
    assert.equal(runtime.frozen.has(id), false);
    await assert.rejects(service.unpause(id), kindIs('conflict', /is not paused/));
    await service.pause(id);
    await service.stop(id, 1);
    assert.equal(runtime.frozen.has(id), false);
    assert.equal(status(service, id), 'exited');
    assert.equal(service.get(id).state.paused, undefined);
  } finally {
    await done();
  }
});

test('rename: 400 for the same or a bad name, 409 for a taken one; the endpoints follow', async () => {
  const { service, endpoints, done } = await setup();
  try {
    const { id } = await service.create(create({}), 'old');
    await service.create(create({}), 'taken');
    await service.start(id);
    await assert.rejects(service.rename(id, 'old'), kindIs('invalid', /same name/));
    await assert.rejects(service.rename(id, 'bad name'), kindIs('invalid', /Invalid container name/));
    await assert.rejects(service.rename(id, ''), kindIs('invalid', /may be empty/));
    await assert.rejects(service.rename(id, 'taken'), kindIs('conflict', /"\/taken" is already in use/));
    const { renameContainer } = await import('./rename.js');
    await renameContainer({ containers: service, endpoints }, 'old', 'new');
    assert.equal(service.get(id).name, 'new');
    assert.equal(service.find('old'), undefined);
    assert.deepEqual(endpoints.endpointsOfContainer(id).map((endpoint) => endpoint.name), ['new']);
  } finally {
    await done();
  }
});

test('update --restart: applied to the next exit; refused with --rm', async () => {
  const { runtime, service, done } = await setup();
  try {
    const { id } = await service.create(create({}), 'cu');
    await service.start(id);
    await service.updateRestartPolicy(id, { name: 'always', maximumRetryCount: 0 });
    runtime.exit(id, 0);
    await until(() => status(service, id) === 'running' && service.get(id).restartCount === 1, 'restart by the updated policy');
    const { id: auto } = await service.create(create({}, { AutoRemove: true }), 'rm');
    await assert.rejects(service.updateRestartPolicy(auto, { name: 'always', maximumRetryCount: 0 }), kindIs('invalid', /AutoRemove is enabled/));
  } finally {
    await done();
  }
});

test('kill cancels the restart (a manual stop); kill or stop while restarting keeps it down; rm needs -f then', async () => {
  const { runtime, service, done } = await setup();
  try {
    const { id } = await service.create(create({}, { RestartPolicy: { Name: 'always' } }), 'ck');
    await service.start(id);
    await service.kill(id);
    await until(() => status(service, id) === 'exited', 'exit after kill');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(status(service, id), 'exited');
    await service.start(id);
    const { id: slow } = await service.create(create({}, { RestartPolicy: { Name: 'always' } }), 'slow');
    await service.start(slow);
    runtime.exit(slow, 1);
    await until(() => status(service, slow) === 'restarting', 'restarting');
    await assert.rejects(service.remove(slow), kindIs('conflict', /cannot remove a restarting container/));
    assert.equal(await service.stop(slow), true);
    assert.equal(status(service, slow), 'exited');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(status(service, slow), 'exited', 'the pending restart was cancelled');
  } finally {
    await done();
  }
});

test('a restart by policy keeps the network (namespace, address) for the next run; stop or rm -f while restarting releases it', async () => {
  const { runtime, service, endpoints, kernel, done } = await setup();
  try {
    const { id } = await service.create(create({}, { RestartPolicy: { Name: 'always' } }), 'keep');
    await service.start(id);
    const sandbox = service.get(id).sandbox;
    const address = endpoints.endpointsOfContainer(id)[0]?.ipv4Address;
    assert.ok(sandbox && address, 'started on the default bridge');
    const starts = runtime.startCalls;
    runtime.exit(id, 137);
    await until(() => status(service, id) === 'restarting', 'restarting');
    assert.equal(service.get(id).sandbox, sandbox, 'the namespace stays while it restarts');
    await until(() => runtime.cleanedUp.some((entry) => entry.id === id), 'runtime clean-up');
    assert.deepEqual(runtime.cleanedUp.filter((entry) => entry.id === id), [{ id, keepRootfs: true }], 'the root overlay stays mounted');
    assert.equal(endpoints.endpointsOfContainer(id)[0]?.ipv4Address, address, 'so does the address');
    await until(() => runtime.startCalls === starts + 1 && status(service, id) === 'running', 'restart');
    assert.equal(service.get(id).sandbox, sandbox);
    assert.equal(runtime.started.get(id)?.netnsPath, kernel.sandboxes.path(sandbox), 'the new run joins the kept namespace');
    assert.deepEqual(endpoints.endpointsOfContainer(id).map((endpoint) => endpoint.ipv4Address), [address]);
    // A quick second exit waits its backoff: a stop meanwhile releases the kept network.
    runtime.exit(id, 1);
    await until(() => status(service, id) === 'restarting', 'restarting again');
    assert.equal(await service.stop(id), true);
    assert.equal(service.get(id).sandbox, '');
    assert.deepEqual(endpoints.endpointsOfContainer(id), []);
    assert.equal((await kernel.sandboxes.list()).includes(sandbox), false, 'the namespace is gone');
    assert.deepEqual(runtime.cleanedUp.filter((entry) => entry.id === id).at(-1), { id, keepRootfs: false }, 'and the root overlay is unmounted');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(status(service, id), 'exited', 'the pending restart was cancelled');
    // rm -f of a restarting container releases it too.
    const { id: other } = await service.create(create({}, { RestartPolicy: { Name: 'always' } }), 'keep2');
    await service.start(other);
    const otherSandbox = service.get(other).sandbox;
    runtime.exit(other, 1);
    await until(() => status(service, other) === 'restarting', 'other restarting');
    await service.remove(other, { force: true });
    assert.deepEqual(endpoints.endpointsOfContainer(other), []);
    assert.equal((await kernel.sandboxes.list()).includes(otherSandbox), false, 'the namespace of the removed one is gone');
  } finally {
    await done();
  }
});
