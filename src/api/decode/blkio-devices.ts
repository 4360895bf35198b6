/**
 * The per-device blkio options of a create (`--blkio-weight-device`, `--device-read-bps`,
 * `--device-write-bps`, `--device-read-iops`, `--device-write-iops`): lists of `{Path, Weight}` or
 * `{Path, Rate}`, decoded as Docker's CLI validates them (a path under /dev; a weight of 10–1000, a
 * rate ≥ 0). An option the kernel has no file for is dropped with Docker's warning
 * (verifyPlatformContainerResources); the device numbers are looked up at start.
 */
import { posix } from 'node:path';
import { invalid } from '../../errors/index.js';
import type { BlkioDevices, CgroupFeatures, DeviceValue } from '../../model/resources.js';
import { object, type Json } from './json.js';

type Kind = keyof BlkioDevices;

const FIELDS: ReadonlyArray<{ kind: Kind; field: string; key: 'Weight' | 'Rate'; warning: string }> = [
  { kind: 'weight', field: 'BlkioWeightDevice', key: 'Weight', warning: 'Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.' },
  { kind: 'readBps', field: 'BlkioDeviceReadBps', key: 'Rate', warning: 'Your kernel does not support BPS Block I/O read limit or the cgroup is not mounted. Block I/O BPS read limit discarded.' },
  { kind: 'writeBps', field: 'BlkioDeviceWriteBps', key: 'Rate', warning: 'Your kernel does not support BPS Block I/O write limit or the cgroup is not mounted. Block I/O BPS write limit discarded.' },
  { kind: 'readIOps', field: 'BlkioDeviceReadIOps', key: 'Rate', warning: 'Your kernel does not support IOPS Block read limit or the cgroup is not mounted. Block I/O IOPS read limit discarded.' },
  { kind: 'writeIOps', field: 'BlkioDeviceWriteIOps', key: 'Rate', warning: 'Your kernel does not support IOPS Block write limit or the cgroup is not mounted. Block I/O IOPS write limit discarded.' },
];

/** At most this many entries per option (a real host has a handful of disks). */
const MAX_ENTRIES = 64;

function entry(raw: unknown, name: string, key: 'Weight' | 'Rate'): DeviceValue {
  const item = object(raw, name);
  const path = item['Path'];
  if (typeof path !== 'string' || path.length > 4096 || !path.startsWith('/dev/') || posix.normalize(path) !== path || path.includes('\0')) {
    throw invalid('invalid-resources', `${name}.Path must be a device path under /dev/ (${name})`);
  }
  const value = item[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid('invalid-resources', `${name}.${key} must be a non-negative integer (${name})`);
  if (key === 'Weight' && (value < 10 || value > 1000)) throw invalid('invalid-resources', `invalid weight for device: ${value} (${name})`);
  return { path, value };
}

function list(raw: unknown, name: string, key: 'Weight' | 'Rate'): DeviceValue[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid('request', `${name} must be a list`);
  if (raw.length > MAX_ENTRIES) throw invalid('invalid-resources', `${name} has more than ${MAX_ENTRIES} devices`);
  return raw.map((item, index) => entry(item, `${name}[${index}]`, key));
}

/** undefined when none is asked for (or all were dropped); `warnings` gets Docker's for each dropped option. */
export function decodeBlkioDevices(host: Json, prefix: string, features: CgroupFeatures | undefined, warnings: string[]): BlkioDevices | undefined {
  const devices: BlkioDevices = { weight: [], readBps: [], writeBps: [], readIOps: [], writeIOps: [] };
  for (const { kind, field, key, warning } of FIELDS) {
    const values = list(host[field], `${prefix}${field}`, key);
    if (values.length === 0) continue;
    if (!features?.blkioDevices?.[kind]) warnings.push(warning);
    else devices[kind] = values;
  }
  return Object.values(devices).some((values) => values.length > 0) ? devices : undefined;
}
