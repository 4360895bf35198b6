import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from '../../model/container.js';
import { linkEnv, linkSetup, mergeEnv } from './links.js';

const child = (exposed: string[], env: string[]): Pick<Container, 'config'> => ({ config: { exposedPorts: Object.fromEntries(exposed.map((port) => [port, {}])), env } as Container['config'] });

test("Docker's link variables: lowest port, each port, runs of ports, the name, the linked container's environment but PATH and HOME", () => {
  assert.deepEqual(linkEnv('/c/web-1', '172.17.0.2', child(['443/tcp', '80/tcp', '53/udp', '53/tcp'], ['PATH=/bin', 'HOME=/root', 'GREETING=a=b'])), [
    'WEB_1_PORT=tcp://172.17.0.2:53',
    'WEB_1_PORT_53_TCP=tcp://172.17.0.2:53', 'WEB_1_PORT_53_TCP_ADDR=172.17.0.2', 'WEB_1_PORT_53_TCP_PORT=53', 'WEB_1_PORT_53_TCP_PROTO=tcp',
    'WEB_1_PORT_53_UDP=udp://172.17.0.2:53', 'WEB_1_PORT_53_UDP_ADDR=172.17.0.2', 'WEB_1_PORT_53_UDP_PORT=53', 'WEB_1_PORT_53_UDP_PROTO=udp',
    'WEB_1_PORT_80_TCP=tcp://172.17.0.2:80', 'WEB_1_PORT_80_TCP_ADDR=172.17.0.2', 'WEB_1_PORT_80_TCP_PORT=80', 'WEB_1_PORT_80_TCP_PROTO=tcp',
    'WEB_1_PORT_443_TCP=tcp://172.17.0.2:443', 'WEB_1_PORT_443_TCP_ADDR=172.17.0.2', 'WEB_1_PORT_443_TCP_PORT=443', 'WEB_1_PORT_443_TCP_PROTO=tcp',
    'WEB_1_NAME=/c/web-1',
    'WEB_1_ENV_GREETING=a=b',
  ]);
  const range = linkEnv('/c/db', '10.0.0.2', child(['8000/tcp', '8001/tcp', '8002/tcp'], []));
  assert.deepEqual(range.slice(0, 6), [
    'DB_PORT=tcp://10.0.0.2:8000',
    'DB_PORT_8000_TCP_START=tcp://10.0.0.2:8000', 'DB_PORT_8000_TCP_ADDR=10.0.0.2', 'DB_PORT_8000_TCP_PORT_START=8000', 'DB_PORT_8000_TCP_PORT_END=8002', 'DB_PORT_8000_TCP_END=tcp://10.0.0.2:8002',
  ]);
  assert.deepEqual(mergeEnv(['A=1', 'B=2'], ['B=3', 'C=4']), ['A=1', 'B=3', 'C=4']);
});

test('at start: a hosts entry "ALIAS HOSTNAME NAME" per link; a stopped or missing container, or one off the default bridge, fails the start', () => {
  const running = { id: 'w'.repeat(64), name: 'web1', state: { status: 'running' }, config: { hostname: 'abc', exposedPorts: {}, env: [] } } as unknown as Container;
  const parent = { name: 'c', hostConfig: { links: [{ name: 'web1', alias: 'web' }] } } as unknown as Container;
  const lookup = { find: (reference: string) => (reference === 'web1' ? running : undefined), bridgeAddressOf: () => '172.17.0.2' };
  assert.deepEqual(linkSetup(parent, lookup), { env: ['WEB_NAME=/c/web'], hosts: ['web abc web1:172.17.0.2'] });
  assert.throws(() => linkSetup(parent, { ...lookup, find: () => ({ ...running, state: { status: 'exited' } }) as unknown as Container }), { kind: 'conflict', message: 'Cannot link to a non running container: /web1 AS /c/web' });
  assert.throws(() => linkSetup(parent, { ...lookup, find: () => undefined }), /non running container/);
  assert.throws(() => linkSetup(parent, { ...lookup, bridgeAddressOf: () => undefined }), /Cannot link to \/web1, as it does not belong to the default network/);
});
