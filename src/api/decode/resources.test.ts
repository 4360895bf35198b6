import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeResources, decodeResourceUpdate } from './resources.js';

const MIB = 1024 * 1024;
const limits = { cpus: 2 };

test('create: the five limits decoded; --memory alone gets as much swap again; nothing asked, nothing set', () => {
  assert.deepEqual(decodeResources({ Memory: 64 * MIB, MemorySwap: 128 * MIB, NanoCpus: 500_000_000, CpuShares: 512, PidsLimit: 20 }, limits),
    { memory: 64 * MIB, memorySwap: 128 * MIB, nanoCpus: 500_000_000, cpuShares: 512, pidsLimit: 20 });
  assert.equal(decodeResources({ Memory: 64 * MIB }, limits).memorySwap, 128 * MIB);
  assert.equal(decodeResources({ Memory: 64 * MIB, MemorySwap: -1 }, limits).memorySwap, -1);
  assert.deepEqual(decodeResources({ PidsLimit: -1 }, limits), { memory: 0, memorySwap: 0, nanoCpus: 0, cpuShares: 0, pidsLimit: 0 });
  assert.deepEqual(decodeResources({}, limits), { memory: 0, memorySwap: 0, nanoCpus: 0, cpuShares: 0, pidsLimit: 0 });
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
