/** The health monitor on the container service (fakes): its watch follows start, exit, restart and removal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeContainerCreate } from '../../api/decode/container-create.js';
import { containerFixture } from '../containers/container-service.test-support.js';
import type { HealthProbe } from './exec-probe.js';
import { HealthMonitor } from './health-monitor.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

test('a watch per running container: started at start, ended at exit and removal, the health log kept across a restart', async () => {
  const { runtime, service, done } = await containerFixture();
  let runs = 0;
  const probe: HealthProbe = { run: () => ((runs += 1), { result: Promise.resolve({ start: 's', end: 'e', exitCode: 0, output: 'ok' }), cancel: () => undefined }) };
  const monitor = new HealthMonitor({ find: (id) => service.find(id), save: (container) => service.save(container), probe });
  service.onLifecycle({ started: (container, how) => monitor.start(container, { resume: how === 'adopt' }), exited: (container) => monitor.stop(container.id) });
  service.onRemoved((id) => monitor.stop(id));
  try {
    const request = decodeContainerCreate({ Image: 'busybox', Cmd: ['sleep', '60'], Healthcheck: { Test: ['CMD', 'true'], Interval: 5e6 } });
    const { id } = await service.create(request, 'h1');
    assert.equal(service.get(id).state.health, undefined, 'no health before the first start');
    await service.start(id);
    assert.equal(monitor.size(), 1);
    await settle();
    assert.equal(service.get(id).state.health?.status, 'healthy');
    runtime.exit(id, 0);
    await settle();
    assert.equal(monitor.size(), 0, 'the exit ends the watch');
    const ranBefore = runs;
    const log = service.get(id).state.health?.log.length ?? 0;
    await settle();
    assert.equal(runs, ranBefore, 'no probe after the exit');
    assert.equal(service.get(id).state.health?.status, 'healthy', 'a stopped container keeps its last health');
    await service.start(id);
    assert.equal(service.get(id).state.health?.status, 'starting');
    assert.equal(service.get(id).state.health?.log.length, log, 'the log is kept across the restart');
    await service.remove(id, { force: true });
    assert.equal(monitor.size(), 0, 'the removal ends the watch');
  } finally {
    monitor.close();
    await done();
  }
});
