import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeResources, decodeResourceUpdate } from './resources.js';

const MIB = 1024 * 1024;
const limits = { cpus: 2 };

const NONE = { memory: 0, memorySwap: 0, memoryReservation: 0, nanoCpus: 0, cpuShares: 0, cpuPeriod: 0, cpuQuota: 0, cpusetCpus: '', cpusetMems: '', blkioWeight: 0, pidsLimit: 0 };

test('create: the limits decoded; --memory alone gets as much swap again; nothing asked, nothing set', () => {
  assert.deepEqual(decodeResources({ Memory: 64 * MIB, MemorySwap: 128 * MIB, NanoCpus: 500_000_000, CpuShares: 512, PidsLimit: 20 }, limits),
    { ...NONE, memory: 64 * MIB, memorySwap: 128 * MIB, nanoCpus: 500_000_000, cpuShares: 512, pidsLimit: 20 });
  assert.deepEqual(decodeResources({ CpuPeriod: 50_000, CpuQuota: 25_000, MemoryReservation: 32 * MIB, CpusetCpus: '1', CpusetMems: '0' }, limits),
    { ...NONE, cpuPeriod: 50_000, cpuQuota: 25_000, memoryReservation: 32 * MIB, cpusetCpus: '1', cpusetMems: '0' });
  assert.equal(decodeResources({ CpuQuota: -1 }, limits).cpuQuota, -1);
  assert.equal(decodeResources({ Memory: 64 * MIB }, limits).memorySwap, 128 * MIB);
  assert.equal(decodeResources({ Memory: 64 * MIB, MemorySwap: -1 }, limits).memorySwap, -1);
  assert.deepEqual(decodeResources({ PidsLimit: -1 }, limits), NONE);
  assert.deepEqual(decodeResources({}, limits), NONE);
});

test("BlkioWeight: applied where the kernel has a weight, else dropped with Docker's warning", () => {
  const warnings: string[] = [];
  assert.equal(decodeResources({ BlkioWeight: 300 }, limits, warnings).blkioWeight, 0);
  assert.deepEqual(warnings, ['Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.']);
  const weighted = { cpus: 2, features: { cpusetCpus: '0-1', cpusetMems: '0', blkioWeight: true } };
  const none: string[] = [];
  assert.equal(decodeResources({ BlkioWeight: 300 }, weighted, none).blkioWeight, 300);
  assert.deepEqual(none, []);
  assert.throws(() => decodeResources({ BlkioWeight: 5 }, weighted), { message: 'Range of blkio weight is from 10 to 1000 (HostConfig.BlkioWeight)' });
});

test("create: Docker's validation errors, each a 400 naming the field", () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ Memory: 4 * MIB }, /^Minimum memory limit allowed is 6MB \(HostConfig\.Memory\)$/],
    [{ Memory: -5 }, /Minimum memory limit allowed is 6MB/],
    [{ Memory: 64 * MIB, MemorySwap: 32 * MIB }, /^Minimum memoryswap limit should be larger than memory limit, see usage \(HostConfig\.MemorySwap\)$/],
    [{ MemorySwap: 64 * MIB }, /^You should always set the Memory limit when using Memoryswap limit, see usage \(HostConfig\.MemorySwap\)$/],
    [{ MemorySwap: -2 }, /HostConfig\.MemorySwap/],
    [{ NanoCpus: 3e9 }, /^Range of CPUs is from 0\.01 to 2\.00, as there are only 2 CPUs available \(HostConfig\.NanoCpus\)$/],
    [{ NanoCpus: 1000 }, /Range of CPUs/],
    [{ CpuShares: 1 }, /^the minimum allowed cpu-shares is 2 \(HostConfig\.CpuShares\)$/],
    [{ CpuShares: 262_145 }, /^the maximum allowed cpu-shares is 262144 \(HostConfig\.CpuShares\)$/],
    [{ Memory: '64m' }, /^HostConfig\.Memory must be an integer$/],
    [{ PidsLimit: 1.5 }, /^HostConfig\.PidsLimit must be an integer$/],
    [{ Memory: 2 ** 63 }, /must be an integer/],
    [{ MemoryReservation: MIB }, /^Minimum memory reservation allowed is 6MB \(HostConfig\.MemoryReservation\)$/],
    [{ Memory: 32 * MIB, MemoryReservation: 64 * MIB }, /^Minimum memory limit can not be less than memory reservation limit, see usage \(HostConfig\.MemoryReservation\)$/],
    [{ NanoCpus: 1e9, CpuPeriod: 50_000 }, /^Conflicting options: Nano CPUs and CPU Period cannot both be set \(HostConfig\.CpuPeriod\)$/],
    [{ NanoCpus: 1e9, CpuQuota: 50_000 }, /^Conflicting options: Nano CPUs and CPU Quota cannot both be set \(HostConfig\.CpuQuota\)$/],
    [{ CpuPeriod: 999 }, /^CPU cfs period can not be less than 1ms \(i\.e\. 1000\) or larger than 1 second \(i\.e\. 1000000\) \(HostConfig\.CpuPeriod\)$/],
    [{ CpuPeriod: 1_000_001 }, /CPU cfs period/],
    [{ CpuQuota: 999 }, /^CPU cfs quota can not be less than 1ms \(i\.e\. 1000\) \(HostConfig\.CpuQuota\)$/],
    [{ CpuQuota: -2 }, /CPU cfs quota/],
    [{ CpusetCpus: '0-' }, /^Invalid value 0- for cpuset cpus: invalid format: 0- \(HostConfig\.CpusetCpus\)$/],
    [{ CpusetCpus: '2' }, /^Requested CPUs are not available - requested 2, available: 0-1 \(HostConfig\.CpusetCpus\)$/],
    [{ CpusetMems: '1' }, /^Requested memory nodes are not available - requested 1, available: 0 \(HostConfig\.CpusetMems\)$/],
    [{ CpusetMems: 7 }, /^HostConfig\.CpusetMems must be a string$/],
  ];
  for (const [host, message] of cases) assert.throws(() => decodeResources(host, limits), { kind: 'invalid', message }, JSON.stringify(host));
});

test('update: only what is set; PidsLimit -1 and 0 reset it; swap without memory is left to the container check', () => {
  assert.deepEqual(decodeResourceUpdate({ Memory: 0, MemorySwap: 0, NanoCpus: 0, CpuShares: 0, PidsLimit: null }, limits), {});
  assert.deepEqual(decodeResourceUpdate({ Memory: 96 * MIB, NanoCpus: 1.5e9, PidsLimit: -1 }, limits), { memory: 96 * MIB, nanoCpus: 1.5e9, pidsLimit: 0 });
  assert.deepEqual(decodeResourceUpdate({ MemorySwap: 64 * MIB }, limits), { memorySwap: 64 * MIB });
  assert.throws(() => decodeResourceUpdate({ Memory: MIB }, limits), { message: 'Minimum memory limit allowed is 6MB (Memory)' });
  assert.throws(() => decodeResourceUpdate({ CpuShares: 1 }, limits), { message: 'the minimum allowed cpu-shares is 2 (CpuShares)' });
});
