import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from '../../model/container.js';
import type { Endpoint, Network } from '../../model/network.js';
import { renderNetworkSettings } from './container-network.js';

const ID = '41e814ca8f2b'.padEnd(64, '0');
const network = { id: 'n1', name: 'cmp_default', driver: 'bridge', predefined: false } as unknown as Network;
const endpoint = { id: 'e1', networkId: 'n1', containerId: ID, name: 'cmp_app_1', ipv4Address: '172.18.0.3/16', ipv6Address: '', gateway4: '172.18.0.1', gateway6: '', macAddress: '02:42:ac:12:00:03' } as unknown as Endpoint;

/** compose v1 connects with aliases [service, short id] and its links; `version` is the client's API version. */
function settingsAt(version: string): Record<string, unknown> {
  const container = {
    id: ID,
    name: 'cmp_app_1',
    hostConfig: { networkMode: 'cmp_default' },
    endpointRequests: { cmp_default: { aliases: ['app', ID.slice(0, 12)], ipv4Address: '', ipv6Address: '', macAddress: '', links: [{ name: 'cmp_db_1', alias: 'legacy' }] } },
    sandbox: '',
    state: { status: 'exited' },
  } as unknown as Container;
  const settings = renderNetworkSettings(container, [{ network, endpoint }], '', version);
  return (settings['Networks'] as Record<string, Record<string, unknown>>)['cmp_default'] ?? {};
}

test('an alias equal to the short id is listed once (Aliases before 1.45, DNSNames since 1.44); connect links are shown', () => {
  const old = settingsAt('1.41');
  assert.deepEqual(old['Aliases'], ['app', '41e814ca8f2b']);
  assert.deepEqual(old['Links'], ['cmp_db_1:legacy']);
  const current = settingsAt('1.50');
  assert.deepEqual(current['Aliases'], ['app']);
  assert.deepEqual(current['DNSNames'], ['cmp_app_1', 'app', '41e814ca8f2b']);
  assert.deepEqual(current['Links'], ['cmp_db_1:legacy']);
});
