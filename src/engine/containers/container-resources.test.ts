import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_RESOURCES } from '../../model/resources.js';
import type { StatsSample } from '../../model/stats.js';
import { decodeContainerCreate } from '../../api/decode/container-create.js';
import { renderStats } from '../../api/render/stats.js';
import { ContainerResourceService, mergeUpdate, type StatsFrame } from './container-resources.js';
import { containerFixture } from './container-service.test-support.js';

const MIB = 1024 * 1024;

function sample(totalNs: number, read: string): StatsSample {
  return {
    read,
    cgroup: {
      cpu: { totalNs, kernelNs: 1, userNs: 2, perCpuNs: [totalNs] },
      throttling: { periods: 0, throttledPeriods: 0, throttledTimeNs: 0 },
      memory: { usage: 5 * MIB, maxUsage: 6 * MIB, limit: 64 * MIB, failcnt: 0, stats: { total_inactive_file: MIB } },
      pids: { current: 3, limit: 20 },
      ioServiceBytes: [],
    },
    systemCpuNs: totalNs * 10,
    onlineCpus: 2,
    networks: { eth0: { rxBytes: 1, rxPackets: 1, rxErrors: 0, rxDropped: 0, txBytes: 2, txPackets: 2, txErrors: 0, txDropped: 0 } },
  };
}

test("mergeUpdate: Docker's update rules against the limits the container has", () => {
  const current = { ...NO_RESOURCES, memory: 64 * MIB, memorySwap: 128 * MIB };
  assert.deepEqual(mergeUpdate(current, { memory: 96 * MIB }), { ...current, memory: 96 * MIB });
  assert.throws(() => mergeUpdate(current, { memory: 256 * MIB }), /Memory limit should be smaller than already set memoryswap limit/);
  assert.deepEqual(mergeUpdate(current, { memory: 256 * MIB, memorySwap: -1 }), { ...current, memory: 256 * MIB, memorySwap: -1 });
  assert.throws(() => mergeUpdate(current, { memorySwap: 32 * MIB }), /Minimum memoryswap limit should be larger than memory limit/);
  assert.throws(() => mergeUpdate(NO_RESOURCES, { memorySwap: 32 * MIB }), /You should always set the Memory limit/);
  assert.deepEqual(mergeUpdate({ ...NO_RESOURCES, pidsLimit: 20 }, { pidsLimit: 0 }), NO_RESOURCES);
  // NanoCpus and the CFS period/quota exclude each other across updates (Docker's UpdateContainer).
  assert.throws(() => mergeUpdate({ ...NO_RESOURCES, nanoCpus: 1e9 }, { cpuQuota: 50_000 }), { kind: 'invalid', message: 'Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set (CpuQuota)' });
  assert.throws(() => mergeUpdate({ ...NO_RESOURCES, nanoCpus: 1e9 }, { cpuPeriod: 50_000 }), /CPU Period cannot be updated as NanoCPUs has already been set/);
  assert.throws(() => mergeUpdate({ ...NO_RESOURCES, cpuQuota: 50_000 }, { nanoCpus: 1e9 }), /Nano CPUs cannot be updated as CPU Quota has already been set/);
  assert.throws(() => mergeUpdate({ ...NO_RESOURCES, cpuPeriod: 50_000 }, { nanoCpus: 1e9 }), /Nano CPUs cannot be updated as CPU Period has already been set/);
  assert.deepEqual(mergeUpdate({ ...NO_RESOURCES, cpuQuota: 50_000 }, { cpuQuota: -1, cpusetCpus: '0' }), { ...NO_RESOURCES, cpuQuota: -1, cpusetCpus: '0' });
  assert.throws(() => mergeUpdate({ ...NO_RESOURCES, memory: 64 * MIB, memorySwap: 128 * MIB }, { memoryReservation: 96 * MIB }), /Minimum memory limit can not be less than memory reservation limit/);
});

test('update: a running container is changed through the runtime, then stored; a failed runtime update stores nothing', async (t) => {
  const fixture = await containerFixture();
  const { service, runtime } = fixture;
  t.after(() => fixture.done());
  const resources = new ContainerResourceService({ containers: service, runtime, metrics: { sample: async () => sample(1, 'x') } });
  const { id } = await service.create(decodeContainerCreate({ Image: 'busybox', Cmd: ['sleep', '60'], HostConfig: { Memory: 64 * MIB } }), 'box');
  assert.deepEqual(runtime.updates, []);
  await resources.update('box', { pidsLimit: 9 });
  assert.deepEqual(runtime.updates, [], 'not running: stored only');
  await service.start(id);
  assert.equal(runtime.started.get(id)?.resources?.pidsLimit, 9, 'the start gets the stored limits');
  await resources.update('box', { memory: 96 * MIB });
  assert.deepEqual(runtime.updates, [{ id, resources: { memory: 96 * MIB, memorySwap: 128 * MIB, memoryReservation: 0, nanoCpus: 0, cpuShares: 0, cpuPeriod: 0, cpuQuota: 0, cpusetCpus: '', cpusetMems: '', blkioWeight: 0, pidsLimit: 9 } }]);
  runtime.failNextUpdate = true;
  await assert.rejects(resources.update('box', { memory: 100 * MIB }), /Device or resource busy/);
  assert.equal(service.get('box').hostConfig.resources?.memory, 96 * MIB, 'unchanged after the failure');
  await assert.rejects(resources.update('nosuch', { memory: 100 * MIB }), { kind: 'not-found' });
});

test('stats: no stream gives one frame with an earlier reading as precpu; one-shot none; a stream one per interval', async (t) => {
  const fixture = await containerFixture();
  const { service } = fixture;
  t.after(() => fixture.done());
  let reads = 0;
  const resources = new ContainerResourceService({ containers: service, runtime: fixture.runtime, metrics: { sample: async () => sample(++reads * 1000, `t${reads}`) } });
  const { id } = await service.create(decodeContainerCreate({ Image: 'busybox', Cmd: ['sleep', '60'] }), 'box');
  const frames: StatsFrame[] = [];
  const signal = new AbortController().signal;
  await resources.stats('box', { stream: false, oneShot: false, signal }, (frame) => frames.push(frame));
  assert.deepEqual(frames, [{ id, name: 'box' }], 'not running: an empty frame');
  await service.start(id);
  frames.length = 0;
  await resources.stats('box', { stream: false, oneShot: false, signal, primeMs: 1 }, (frame) => frames.push(frame));
  assert.deepEqual([frames.length, frames[0]?.sample?.read, frames[0]?.previous?.read], [1, 't2', 't1']);
  const rendered = renderStats(frames[0]!) as Record<string, any>;
  assert.deepEqual([rendered['read'], rendered['preread'], rendered['cpu_stats'].cpu_usage.total_usage, rendered['precpu_stats'].cpu_usage.total_usage], ['t2', 't1', 2000, 1000]);
  assert.deepEqual([rendered['memory_stats'].limit, rendered['pids_stats'], rendered['networks'].eth0.tx_bytes, rendered['name']], [64 * MIB, { current: 3, limit: 20 }, 2, '/box']);
  frames.length = 0;
  await resources.stats('box', { stream: false, oneShot: true, signal }, (frame) => frames.push(frame));
  assert.deepEqual([frames.length, frames[0]?.previous], [1, undefined]);
  const stop = new AbortController();
  frames.length = 0;
  await resources.stats('box', { stream: true, oneShot: false, signal: stop.signal, intervalMs: 1 }, (frame) => {
    frames.push(frame);
    if (frames.length === 3) stop.abort();
  });
  assert.equal(frames.length, 3);
  assert.equal(frames[2]?.previous?.read, frames[1]?.sample?.read, 'each precpu is the reading before');
  assert.equal(frames[0]?.previous, undefined);

  // A later no-stream request uses the latest reading as precpu instead of waiting for a second one.
  await new Promise((resolve) => setTimeout(resolve, 60));
  const before = reads;
  frames.length = 0;
  const started = Date.now();
  await resources.stats('box', { stream: false, oneShot: false, signal, primeMs: 10_000 }, (frame) => frames.push(frame));
  assert.ok(Date.now() - started < 5_000, 'no priming wait');
  const reused = frames[0] as StatsFrame | undefined;
  assert.deepEqual([reads - before, reused?.previous?.read, reused?.sample?.read], [1, `t${before}`, `t${before + 1}`]);
});
