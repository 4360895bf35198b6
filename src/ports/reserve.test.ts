import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PortAllocator } from './allocator.js';
import { toPortMappings } from './mappings.js';
import { reservePorts, type PortProbe } from './reserve.js';
import type { PortBinding } from '../model/port.js';
import { portRequests } from './spec.js';

const bind = (containerPort: number, hostPort: string, hostIp = ''): PortBinding => {
  const [start = 0, end = start] = hostPort.split('-').map(Number);
  return { containerPort, protocol: 'tcp', hostIp, hostPort: { start, end } };
};

/** busy: "tcp/8000" or just 8000 (any protocol). */
const probe = (busy: Array<number | string>): PortProbe => ({
  inUse: async (_hostIp, protocol, port) => busy.includes(port) || busy.includes(`${protocol}/${port}`),
});

describe('reservePorts', () => {
  it('reserves explicit, ranged and dynamic ports, skipping ports bound by other processes', async () => {
    const allocator = new PortAllocator({ start: 32768, end: 60999 });
    const requests = portRequests([bind(80, '8000-8005')], [{ port: 443, protocol: 'tcp' }, { port: 53, protocol: 'udp' }], true);
    const reserved = await reservePorts(allocator, probe([8000, 'tcp/32768']), requests);
    assert.deepEqual(reserved.map((port) => `${port.containerPort}/${port.protocol}->${port.hostPort}`), ['80/tcp->8001', '443/tcp->32769', '53/udp->32768']);
  });

  it('refuses an explicit port another process has bound, with Go\'s bind message, and leaves nothing claimed', async () => {
    const allocator = new PortAllocator({ start: 100, end: 200 });
    const requests = portRequests([bind(80, '8000'), bind(81, '8080')], [], false);
    await assert.rejects(reservePorts(allocator, probe([8000]), requests),
      { kind: 'system', code: 'port-in-use', message: 'listen tcp4 0.0.0.0:8000: bind: address already in use' });
    assert.ok(allocator.isFree('0.0.0.0', 'tcp', 8080), '8080 released again');
    assert.ok(allocator.isFree('0.0.0.0', 'tcp', 8000));
  });

  it('fails the second container on the same port (S050) and keeps the first', async () => {
    const allocator = new PortAllocator({ start: 100, end: 200 });
    const requests = portRequests([bind(80, '8000')], [], false);
    await reservePorts(allocator, probe([]), requests);
    await assert.rejects(reservePorts(allocator, probe([]), requests), { message: 'Bind for 0.0.0.0:8000 failed: port is already allocated' });
    assert.equal(allocator.isFree('0.0.0.0', 'tcp', 8000), false);
  });

  it('maps reserved ports to firewall intent, dropping IPv6 bindings without a container IPv6 address', async () => {
    const allocator = new PortAllocator({ start: 100, end: 200 });
    const reserved = await reservePorts(allocator, probe([]), portRequests([bind(80, '8000'), bind(80, '8001', '::')], [], false));
    const endpoint = { networkId: 'a'.repeat(64), bridge: 'conet0', containerAddress: '172.17.0.2' };
    assert.deepEqual(toPortMappings(endpoint, reserved), [
      { ...endpoint, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 8000, containerPort: 80 },
    ]);
  });
});
