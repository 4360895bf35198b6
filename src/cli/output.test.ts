import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ellipsis, humanDuration, renderJson, renderTable } from './output.js';
import { containerRow, formatPorts, HEADERS } from './commands/ps.js';

test('tables are padded as docker pads them: widest cell plus three spaces, the last column bare', () => {
  const text = renderTable(['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'], [['0123456789ab', 'bridge', 'bridge', 'local'], ['abc', 'a-longer-name', 'null', 'local']]);
  assert.equal(text, [
    'NETWORK ID     NAME            DRIVER    SCOPE',
    '0123456789ab   bridge          bridge    local',
    'abc            a-longer-name   null      local',
    '',
  ].join('\n'));
  assert.equal(renderTable(['A', 'B'], []), 'A         B\n');
  assert.equal(renderJson([{ a: 1 }]), '[\n  {\n    "a": 1\n  }\n]\n');
});

test('ellipsis and human durations follow the docker CLI', () => {
  assert.equal(ellipsis('sleep 600', 20), 'sleep 600');
  assert.equal(ellipsis('sh -c while true; do sleep 1; done', 20), 'sh -c while true; d…');
  assert.equal([...ellipsis('sh -c while true; do sleep 1; done', 20)].length, 20);
  assert.equal(humanDuration(0.5), 'Less than a second');
  assert.equal(humanDuration(1), '1 second');
  assert.equal(humanDuration(45), '45 seconds');
  assert.equal(humanDuration(90), 'About a minute');
  assert.equal(humanDuration(600), '10 minutes');
  assert.equal(humanDuration(3600), 'About an hour');
  assert.equal(humanDuration(5 * 3600), '5 hours');
  assert.equal(humanDuration(3 * 86400), '3 days');
  assert.equal(humanDuration(20 * 86400), '2 weeks');
  assert.equal(humanDuration(90 * 86400), '3 months');
  assert.equal(humanDuration(800 * 86400), '2 years');
});

test('a ps row: short id, quoted cut command, created ago, ports as docker shows them', () => {
  const row = containerRow({
    id: 'f'.repeat(64), names: ['web'], image: 'busybox', command: 'sh -c while true; do sleep 1; done', created: 1000, state: 'running', status: 'Up 2 minutes',
    ports: [{ ip: '0.0.0.0', privatePort: 80, publicPort: 8080, protocol: 'tcp' }, { ip: '::', privatePort: 80, publicPort: 8080, protocol: 'tcp' }, { ip: '', privatePort: 53, protocol: 'udp' }],
    networks: {},
  }, 1070, false);
  assert.equal(row.length, HEADERS.length);
  assert.deepEqual(row, ['ffffffffffff', 'busybox', '"sh -c while true; d…"', 'About a minute ago', 'Up 2 minutes', '0.0.0.0:8080->80/tcp, [::]:8080->80/tcp, 53/udp', 'web']);
  assert.equal(formatPorts([]), '');
});
