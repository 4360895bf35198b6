import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderInfo, type InfoFacts } from './info.js';

const facts: InfoFacts = {
  id: 'd1',
  dataRoot: '/var/lib/conet',
  networkDrivers: ['bridge', 'host', 'null'],
  counts: { containers: 3, running: 1, paused: 0, stopped: 2, images: 4 },
  forwarding: { ipv4Forwarding: true, bridgeNfIptables: false, bridgeNfIp6tables: false },
  confinement: { appArmor: false, seccompProfile: 'default' },
};

describe('renderInfo', () => {
  it('shows the host forwarding and br_netfilter state it is given', () => {
    const on = renderInfo({ ...facts, forwarding: { ipv4Forwarding: true, bridgeNfIptables: true, bridgeNfIp6tables: true } });
    assert.deepEqual([on.IPv4Forwarding, on.BridgeNfIptables, on.BridgeNfIp6tables], [true, true, true]);
    const off = renderInfo({ ...facts, forwarding: { ipv4Forwarding: false, bridgeNfIptables: false, bridgeNfIp6tables: true } });
    assert.deepEqual([off.IPv4Forwarding, off.BridgeNfIptables, off.BridgeNfIp6tables], [false, false, true]);
  });

  it('counts, drivers, id and root in Docker field names', () => {
    const info = renderInfo(facts, new Date('2024-01-02T03:04:05.000Z'));
    assert.equal(info.ID, 'd1');
    assert.deepEqual([info.Containers, info.ContainersRunning, info.ContainersPaused, info.ContainersStopped, info.Images], [3, 1, 0, 2, 4]);
    assert.deepEqual((info.Plugins as { Network: string[] }).Network, ['bridge', 'host', 'null']);
    assert.equal(info.DockerRootDir, '/var/lib/conet');
    assert.equal(info.SystemTime, '2024-01-02T03:04:05.000Z');
  });

  it('keeps Docker 20.10 field order (the CLI prints some of them in order)', () => {
    const keys = Object.keys(renderInfo(facts));
    const at = (key: string): number => keys.indexOf(key);
    assert.ok(at('PidsLimit') < at('IPv4Forwarding') && at('BridgeNfIp6tables') < at('Debug') && at('NGoroutines') < at('SystemTime'));
    assert.ok(at('NEventsListener') < at('KernelVersion') && at('GenericResources') < at('DockerRootDir'));
    assert.equal(keys.at(-1), 'Warnings');
  });

  it('SecurityOptions as Docker lists them: AppArmor only where enabled, seccomp unless unconfined', () => {
    assert.deepEqual(renderInfo(facts).SecurityOptions, ['name=seccomp,profile=default']);
    assert.deepEqual(renderInfo({ ...facts, confinement: { appArmor: true, seccompProfile: '/etc/p.json' } }).SecurityOptions, ['name=apparmor', 'name=seccomp,profile=/etc/p.json']);
    assert.deepEqual(renderInfo({ ...facts, confinement: { appArmor: false, seccompProfile: '' } }).SecurityOptions, []);
  });
});
