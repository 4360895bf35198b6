import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { createSocket } from 'node:dgram';
import { LinuxPortProbe } from './port-probe.js';

const probe = new LinuxPortProbe();

describe('LinuxPortProbe', () => {
  it('sees a TCP listener and frees the port again after probing', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const { port } = server.address() as AddressInfo;
    try {
      assert.equal(await probe.inUse('127.0.0.1', 'tcp', port), true);
      assert.equal(await probe.inUse('0.0.0.0', 'tcp', port), true, 'the wildcard collides with a specific listener');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    assert.equal(await probe.inUse('127.0.0.1', 'tcp', port), false);
    assert.equal(await probe.inUse('127.0.0.1', 'tcp', port), false, 'the probe itself left nothing bound');
  });

  it('sees a UDP socket', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind({ address: '127.0.0.1', port: 0 }, resolve));
    const { port } = socket.address();
    try {
      assert.equal(await probe.inUse('127.0.0.1', 'udp', port), true);
      assert.equal(await probe.inUse('127.0.0.1', 'tcp', port), false);
    } finally {
      socket.close();
    }
  });

  it('reports an address that is not on the host', async () => {
    await assert.rejects(probe.inUse('192.0.2.77', 'tcp', 8000),
      { kind: 'invalid', code: 'host-ip-not-local', message: 'listen tcp4 192.0.2.77:8000: bind: cannot assign requested address' });
  });
});
