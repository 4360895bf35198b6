import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMounts } from '../decode/mounts.js';
import { renderMounts } from './mounts.js';

test("inspect's Mounts: binds and --mount entries as Docker shows them, by destination; --tmpfs ones are no mount points", () => {
  const specs = decodeMounts({
    Binds: ['/srv:/z:ro', '/data:/a'],
    Mounts: [{ Type: 'tmpfs', Target: '/m', ReadOnly: true }, { Type: 'bind', Source: '/s', Target: '/b', BindOptions: { Propagation: 'rshared' } }],
    Tmpfs: { '/run': '' },
  });
  assert.deepEqual(renderMounts(specs), [
    { Type: 'bind', Source: '/data', Destination: '/a', Mode: '', RW: true, Propagation: 'rprivate' },
    { Type: 'bind', Source: '/s', Destination: '/b', Mode: '', RW: true, Propagation: 'rshared' },
    { Type: 'tmpfs', Source: '', Destination: '/m', Mode: '', RW: false, Propagation: '' },
    { Type: 'bind', Source: '/srv', Destination: '/z', Mode: 'ro', RW: false, Propagation: 'rprivate' },
  ]);
  assert.deepEqual(renderMounts(undefined), [], 'records from before mounts: none');
});
