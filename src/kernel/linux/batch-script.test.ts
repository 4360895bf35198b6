/**
 * Issue 10, item 2, at the renderers: the typed values' parsers and the batch guard together mean
 * no generated `ip -batch` script ever holds an injected line or token, whatever string comes in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { batchLine, batchScript, quoted } from './batch-script.js';
import { hostCommands, sandboxCommands } from './sandboxes.js';
import { macvlanHostCommands } from './macvlan.js';
import { bridgeCommands } from './links.js';
import { hostileString } from '../../util/hostile-strings.test-support.js';
import {
  macBytes,
  parseInterfaceAddress,
  parseInterfaceName,
  parseIpAddress,
  parseMac,
  parseNetnsName,
  renderMac,
  type InterfaceAddress,
} from '../../util/kernel-values.js';
import type { BridgeSpec, MacvlanSpec, VethSpec } from '../ports.js';

const RUNS = 300;

/** Either the parser refuses (a typed 4xx) or its value is something a batch line can hold. */
function parsedOrRefused<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    assert.equal((error as { kind?: string }).kind, 'invalid');
    return undefined;
  }
}

const UNSAFE = /[\s;"'#\\\0]/u;

test('the parsers only ever return values without whitespace, quotes, ";", "#", "\\" or NUL', () => {
  const parsers = [parseMac, parseInterfaceName, parseNetnsName, parseIpAddress, parseInterfaceAddress];
  fc.assert(
    fc.property(hostileString(), fc.constantFrom(...parsers), (value, parse) => {
      const parsed = parsedOrRefused(() => parse(value));
      if (parsed !== undefined) assert.doesNotMatch(parsed, UNSAFE);
    }),
    { numRuns: RUNS },
  );
});

test('a MAC address is six bytes and renders back to itself in lower case', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (bytes) => {
      const mac = renderMac(bytes);
      assert.deepEqual(macBytes(mac), bytes);
      assert.equal(parseMac(mac.toUpperCase()), mac);
    }),
  );
});

test('batchLine: any value is one token of the line or refused; never a second line', () => {
  fc.assert(
    fc.property(hostileString(), (value) => {
      let line: string;
      try {
        line = batchLine`link set dev ${value} up`;
      } catch (error) {
        assert.equal((error as { code?: string }).code, 'kernel-unsafe-token');
        return;
      }
      assert.deepEqual(line.split(/\s+/u), ['link', 'set', 'dev', value, 'up']);
      assert.equal(batchScript([line]).split('\n').length, 2);
    }),
    { numRuns: RUNS },
  );
});

test('quoted values can neither end their quotes nor the line', () => {
  fc.assert(
    fc.property(hostileString(), (value) => {
      try {
        const line = batchLine`link set dev br0 alias ${quoted(value)}`;
        assert.equal(line, `link set dev br0 alias "${value}"`);
        assert.doesNotMatch(value, /["'#\\\0\n\r]/);
      } catch (error) {
        assert.equal((error as { code?: string }).code, 'kernel-unsafe-token');
      }
    }),
    { numRuns: RUNS },
  );
});

/** Hostile values cast past the types (as a bug would): the renderers still never emit an extra line. */
function cast<T>(value: string): T {
  return value as unknown as T;
}

function linesOrRefused(render: () => string, expected: number): void {
  let script: string;
  try {
    script = render();
  } catch (error) {
    assert.equal((error as { code?: string }).code, 'kernel-unsafe-token');
    return;
  }
  assert.equal(script.split('\n').length - 1, expected, script);
}

test('veth, macvlan and bridge scripts keep their line count whatever a field holds', () => {
  const veth: VethSpec = {
    hostName: parseInterfaceName('veth1'), bridge: parseInterfaceName('br0'), sandbox: parseNetnsName('sb'), ifname: parseInterfaceName('eth0'),
    mac: parseMac('02:42:ac:11:00:02'), mtu: 1500, addresses: [parseInterfaceAddress('10.0.0.2/24')], gateway4: parseIpAddress('10.0.0.1'),
  };
  const fields = ['hostName', 'bridge', 'sandbox', 'ifname', 'mac', 'gateway4'] as const;
  fc.assert(
    fc.property(hostileString(), fc.constantFrom(...fields), (value, field) => {
      const spec = { ...veth, [field]: cast(value) };
      linesOrRefused(() => hostCommands(spec), 3);
      linesOrRefused(() => sandboxCommands({ ...spec, addresses: [cast<InterfaceAddress>(value)] }), 4);
      const macvlan: MacvlanSpec = { ...spec, parent: cast(value), mode: 'bridge' };
      linesOrRefused(() => macvlanHostCommands(macvlan), 1);
      const bridge: BridgeSpec = { name: cast(value), addresses: [cast(value)], mtu: 1500, alias: value, mac: cast(value) };
      linesOrRefused(() => bridgeCommands(bridge).join('\n') + '\n', 4);
    }),
    { numRuns: RUNS },
  );
});
