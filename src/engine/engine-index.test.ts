import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from '../model/container.js';
import type { Endpoint } from '../model/network.js';
import { ContainerIndex, EndpointIndex } from './engine-index.js';
import { engineFixture } from './engine.test-support.js';
import { indexEndpointSource } from './networks/endpoint-source.js';
import { networkRequest } from './networks/network-request.test-support.js';

/** Only the fields the index reads; the rest of a container doesn't matter here. */
function container(id: string, name: string, extra: { imageId?: string; networkMode?: string; running?: boolean } = {}): Container {
  return {
    id,
    name,
    imageId: extra.imageId ?? 'sha256:busybox',
    hostConfig: { networkMode: extra.networkMode ?? 'bridge' },
    state: { status: extra.running ? 'running' : 'created' },
  } as unknown as Container;
}

function endpoint(id: string, networkId: string, containerId: string): Endpoint {
  return { id, networkId, containerId, name: containerId, macAddress: '', ipv4Address: '', ipv6Address: '', gateway4: '', gateway6: '', sandbox: '', ifname: 'eth0', hostIfname: '', aliases: [], requestedIpv4: '', requestedIpv6: '' };
}

describe('ContainerIndex', () => {
  const index = new ContainerIndex();
  for (const entry of [container('abc123', 'web', { imageId: 'sha256:nginx' }), container('abd456', 'db'), container('ff0000', 'abc')]) index.set(entry.id, entry);

  it("finds by full id, name (with or without '/') and unique id prefix, as Docker does", () => {
    assert.equal(index.find('abc123')?.name, 'web');
    assert.equal(index.find('web')?.id, 'abc123');
    assert.equal(index.find('/db')?.id, 'abd456');
    assert.equal(index.find('abd')?.id, 'abd456');
    assert.equal(index.find('ab'), undefined, 'an ambiguous prefix finds nothing');
    assert.equal(index.find('abc')?.id, 'ff0000', 'an exact name wins over an id prefix');
    assert.equal(index.find('nope'), undefined);
  });

  it('says which container uses an image', () => {
    assert.equal(index.usingImage('sha256:nginx'), 'abc123');
    assert.equal(index.usingImage('sha256:alpine'), undefined);
  });
});

describe('EndpointIndex', () => {
  it('lists endpoints by network and by container', () => {
    const index = new EndpointIndex();
    for (const entry of [endpoint('e1', 'n1', 'c1'), endpoint('e2', 'n1', 'c2'), endpoint('e3', 'n2', 'c1')]) index.set(entry.id, entry);
    assert.deepEqual(index.ofNetwork('n1').map((entry) => entry.id), ['e1', 'e2']);
    assert.deepEqual(index.ofContainer('c1').map((entry) => entry.id), ['e1', 'e3']);
    assert.deepEqual(index.ofNetwork('n9'), []);
  });
});

describe('services sharing the index', () => {
  it('the network service sees endpoints the endpoint service made, and running host-mode containers', async () => {
    const { networks, endpoints, index } = await engineFixture();
    const { id } = await networks.create(networkRequest('web'));
    assert.equal(index.networks.get(id)?.name, 'web', 'the network service fills the index');
    await endpoints.connect('web', { containerId: 'c1', containerName: 'one', sandbox: 'sb1', createSandbox: true, ifname: 'eth0' });
    assert.deepEqual(index.endpoints.ofContainer('c1').map((entry) => entry.networkId), [id], 'the endpoint service fills the index');
    await assert.rejects(networks.remove('web'), /has active endpoints/);
    const source = indexEndpointSource(index);
    assert.deepEqual(source.endpointsOf(id).map((entry) => entry.containerId), ['c1']);
    const host = networks.inspect('host');
    index.containers.set('h1', container('h1', 'hosted', { networkMode: 'host', running: true }));
    index.containers.set('h2', container('h2', 'stopped', { networkMode: 'host' }));
    assert.deepEqual(source.endpointsOf(host.id).map((entry) => entry.containerId), ['h1']);
  });
});
