/** 200 networks with default options on one host: Docker stops at 31, conet keeps going. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withHost } from '../helpers/host.js';

test('200 networks with default options can be created and removed', { timeout: 600_000 }, async () => {
  await withHost(async (host) => {
    const names = Array.from({ length: 200 }, (_, index) => `scale${String(index).padStart(3, '0')}`);
    const workers = 4;
    for (let start = 0; start < names.length; start += workers) {
      await Promise.all(names.slice(start, start + workers).map((name) => host.dockerOk(['network', 'create', name])));
    }
    const subnets = (await host.dockerOk(['network', 'ls', '-q', '-f', 'type=custom'])).split('\n');
    assert.equal(subnets.length, 200);
    const configs = await host.dockerOk(['network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Subnet}}{{end}}', ...names]);
    const unique = new Set(configs.split('\n'));
    assert.equal(unique.size, 200, 'every network has its own subnet');
    assert.ok(unique.has('172.18.0.0/16') && unique.has('192.168.240.0/20') && unique.has('172.16.0.0/24'));
    const bridges = (await host.ip(['-br', 'link', 'show', 'type', 'bridge'])).trim().split('\n');
    assert.equal(bridges.length, 201);
    await host.dockerOk(['network', 'prune', '-f']);
    assert.equal((await host.ip(['-br', 'link', 'show', 'type', 'bridge'])).trim().split('\n').length, 1);
  });
});
