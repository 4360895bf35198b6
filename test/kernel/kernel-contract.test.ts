/**
 * The Linux kernel adapters against the kernel contract FakeKernel passes in unit tests
 * (src/kernel/kernel.contract.ts). The contract runs in a child process entered into a
 * throwaway namespace, its "host"; every sandbox it makes carries this run's random prefix and
 * whatever is left of them is deleted afterwards, also after a failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/exec/index.js';
import { deleteNetns, listNetns, NetnsSandbox } from '../helpers/netns.js';

const CHILD = fileURLToPath(new URL('./kernel-contract-child.js', import.meta.url));

test('the Linux adapters pass the kernel contract, their host namespace a throwaway one', async () => {
  const prefix = `conet-t-kc${randomBytes(3).toString('hex')}`;
  const namespaces = new NetnsSandbox(prefix);
  // Without the parent's NODE_TEST_CONTEXT the child reports in plain TAP, not to this runner.
  const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
  try {
    const host = await namespaces.create('host');
    const result = await run(['nsenter', `--net=${host.path}`, '--', process.execPath, '--test-reporter=tap', CHILD], {
      allowFailure: true,
      timeoutMs: 180_000,
      env: { ...env, CONET_CONTRACT_NETNS: host.path, CONET_CONTRACT_PREFIX: `${prefix}-s` },
    });
    // The child's report, as diagnostics of this test.
    for (const line of `${result.stdout}${result.stderr}`.split('\n')) if (line.trim() !== '') console.log(`# ${line}`);
    assert.equal(result.code, 0, 'every contract test passed in the child');
    assert.match(result.stdout, /^# pass [1-9]/m);
    assert.match(result.stdout, /^# fail 0$/m);
  } finally {
    for (const leftover of await listNetns(`${prefix}-s`)) await deleteNetns(leftover);
    await namespaces.cleanup();
  }
});
