import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_CAPABILITIES } from '../../model/capabilities.js';
import { boundingCapabilities, capabilitiesOfMask } from './host-security.js';

test('a CapBnd mask names its capabilities in kernel order', () => {
  assert.deepEqual(capabilitiesOfMask('000001ffffffffff'), [...ALL_CAPABILITIES]);
  assert.deepEqual(capabilitiesOfMask('000001fffeffffff'), ALL_CAPABILITIES.filter((cap) => cap !== 'CAP_SYS_RESOURCE'), 'bit 24 is CAP_SYS_RESOURCE');
  assert.deepEqual(capabilitiesOfMask('00000000a80425fb').length, 14, "Docker's default set");
  assert.deepEqual(capabilitiesOfMask('0'), []);
});

test("the bounding set is read from a status file; an unreadable one means every capability", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-status-'));
  try {
    await writeFile(join(dir, 'status'), 'Name:\tnode\nCapBnd:\t0000000000000003\nCapAmb:\t0000000000000000\n');
    assert.deepEqual(await boundingCapabilities(join(dir, 'status')), ['CAP_CHOWN', 'CAP_DAC_OVERRIDE']);
    assert.deepEqual(await boundingCapabilities(join(dir, 'missing')), [...ALL_CAPABILITIES]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
