import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyChanges } from './changes.js';
import { emptyContainerConfig } from './config.js';
import { parseHealthcheckChange } from './healthcheck-change.js';

test('HEALTHCHECK in --change: flags, shell and exec forms, NONE', () => {
  assert.deepEqual(parseHealthcheckChange('--interval=1s --timeout=500ms --start-period=2m --start-interval=1s --retries=4 CMD wget -q -O- localhost'), {
    Test: ['CMD-SHELL', 'wget -q -O- localhost'], Interval: 1e9, Timeout: 500e6, StartPeriod: 120e9, StartInterval: 1e9, Retries: 4,
  });
  assert.deepEqual(parseHealthcheckChange('CMD ["cat", "/tmp/ok"]'), { Test: ['CMD', 'cat', '/tmp/ok'] });
  assert.deepEqual(parseHealthcheckChange('NONE'), { Test: ['NONE'] });
  assert.deepEqual(applyChanges(emptyContainerConfig(), ['HEALTHCHECK CMD true']).Healthcheck, { Test: ['CMD-SHELL', 'true'] });
});

test('bad HEALTHCHECK changes are 400s', () => {
  for (const bad of ['', 'CMD', '--interval=abc CMD true', '--retries=x CMD true', '--bogus=1 CMD true', 'RUN true', 'NONE extra', '--interval=-1s CMD true']) {
    assert.throws(() => parseHealthcheckChange(bad), { kind: 'invalid' }, bad);
  }
});
