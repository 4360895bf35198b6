import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointAt, hostConfigAt, imageAt, imageSummaryAt, networkAt } from './versioned.js';

test('a 1.41 client gets the 1.41 shapes unchanged', () => {
  const network = { Name: 'n', EnableIPv6: false };
  assert.deepEqual(networkAt(network, true, '1.41'), network);
  const image = { Id: 'x', Container: '', ContainerConfig: {}, VirtualSize: 1 };
  assert.deepEqual(imageAt(image, '1.41'), image);
  assert.deepEqual(imageSummaryAt({ VirtualSize: 1 }, '1.41'), { VirtualSize: 1 });
  assert.deepEqual(hostConfigAt({ KernelMemory: 0, KernelMemoryTCP: 0 }, '1.41'), { KernelMemory: 0, KernelMemoryTCP: 0 });
  const endpoint = { Aliases: ['web', 'abcdefabcdef'] };
  assert.deepEqual(endpointAt(endpoint, { shortId: 'abcdefabcdef', dnsNames: ['c'], gwPriority: 5 }, '1.41'), endpoint);
});

test('network inspect gains EnableIPv4 at 1.48, before EnableIPv6', () => {
  assert.deepEqual(networkAt({ Name: 'n', EnableIPv6: true }, false, '1.47'), { Name: 'n', EnableIPv6: true });
  assert.deepEqual(Object.keys(networkAt({ Name: 'n', EnableIPv6: true }, false, '1.50')), ['Name', 'EnableIPv4', 'EnableIPv6']);
  assert.equal(networkAt({ Name: 'n', EnableIPv6: true }, false, '1.50')['EnableIPv4'], false);
});

test('images lose VirtualSize at 1.44 and Container/ContainerConfig at 1.45', () => {
  const image = { Id: 'x', Container: '', ContainerConfig: {}, VirtualSize: 1 };
  assert.deepEqual(imageAt(image, '1.44'), { Id: 'x', Container: '', ContainerConfig: {} });
  assert.deepEqual(imageAt(image, '1.50'), { Id: 'x' });
  assert.deepEqual(imageSummaryAt({ Size: 1, VirtualSize: 1 }, '1.44'), { Size: 1 });
});

test('HostConfig omits unset KernelMemory fields from 1.42, keeps set ones', () => {
  assert.deepEqual(hostConfigAt({ Memory: 0, KernelMemory: 0, KernelMemoryTCP: 0 }, '1.42'), { Memory: 0 });
  assert.deepEqual(hostConfigAt({ KernelMemory: 5 }, '1.50'), { KernelMemory: 5 });
});

test('endpoint settings: DNSNames at 1.44, asked-for aliases only at 1.45, GwPriority at 1.48', () => {
  const facts = { shortId: 'abcdefabcdef', dnsNames: ['c', 'web', 'abcdefabcdef'], gwPriority: 7 };
  const body = { Aliases: ['web', 'abcdefabcdef'] };
  assert.deepEqual(endpointAt(body, facts, '1.44'), { Aliases: ['web', 'abcdefabcdef'], DNSNames: facts.dnsNames });
  assert.deepEqual(endpointAt(body, facts, '1.45'), { Aliases: ['web'], DNSNames: facts.dnsNames });
  assert.deepEqual(endpointAt(body, facts, '1.50'), { Aliases: ['web'], GwPriority: 7, DNSNames: facts.dnsNames });
  assert.deepEqual(endpointAt({ Aliases: ['abcdefabcdef'] }, facts, '1.50')['Aliases'], null);
});
