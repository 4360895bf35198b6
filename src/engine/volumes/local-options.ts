/**
 * The `local` driver's options, decoded once into a VolumeBacking: `type`, `device` and `o` as
 * Docker's local driver takes them, for the two kinds conet mounts: a host directory bound at the
 * volume's mountpoint (`type=none,o=bind,device=/path`) and a tmpfs (`type=tmpfs,o=size=64m`).
 * Anything else (another filesystem type, an unknown key or mount option) is a 400 naming it.
 */
import { posix } from 'node:path';
import { invalid } from '../../errors/index.js';
import type { VolumeBacking } from '../../model/volume.js';

const KEYS = ['type', 'device', 'o'];
const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

export function decodeLocalOptions(options: Record<string, string>): VolumeBacking {
  for (const key of Object.keys(options)) {
    if (!KEYS.includes(key)) throw invalid('volume-options', `invalid option: ${JSON.stringify(key)} (the local driver takes type, device and o)`);
  }
  const type = options['type'] ?? '';
  const device = options['device'] ?? '';
  const o = options['o'] ?? '';
  if (type === '' && device === '' && o === '') return { kind: 'directory' };
  if (type === 'tmpfs') return tmpfsBacking(device, o);
  if (type === 'none') return bindBacking(device, o);
  if (type === '') throw invalid('volume-options', 'missing required option: "type" (conet supports type=none with o=bind, and type=tmpfs)');
  throw invalid('volume-options', `the local driver's type ${JSON.stringify(type)} is not supported by conet (supported: type=none with o=bind, type=tmpfs)`);
}

function mountOptions(o: string): string[] {
  return o === '' ? [] : o.split(',').map((item) => item.trim());
}

function bindBacking(device: string, o: string): VolumeBacking {
  const flags = mountOptions(o);
  if (!flags.includes('bind') && !flags.includes('rbind')) throw invalid('volume-options', 'type=none needs o=bind (conet mounts no other device without a filesystem type)');
  const unknown = flags.find((flag) => !['bind', 'rbind', 'rw'].includes(flag));
  if (unknown !== undefined) throw invalid('volume-options', `mount option ${JSON.stringify(unknown)} is not supported by conet for a bind volume (supported: bind, rbind, rw)`);
  if (!device.startsWith('/') || device.includes('\0') || posix.normalize(device) !== device) {
    throw invalid('volume-options', `device ${JSON.stringify(device)} must be an absolute, normalized host path for o=bind`);
  }
  return { kind: 'bind', device: device.length > 1 ? device.replace(/\/$/, '') : device };
}

function tmpfsBacking(device: string, o: string): VolumeBacking {
  if (device !== '' && device !== 'tmpfs') throw invalid('volume-options', `device ${JSON.stringify(device)} means nothing for type=tmpfs (leave it out or say tmpfs)`);
  const backing: { kind: 'tmpfs'; size?: number; mode?: number } = { kind: 'tmpfs' };
  for (const option of mountOptions(o)) {
    const [key = '', value = ''] = option.split('=', 2);
    if (key === 'size') backing.size = tmpfsSize(value);
    else if (key === 'mode' && /^[0-7]{1,4}$/.test(value)) backing.mode = parseInt(value, 8);
    else throw invalid('volume-options', `tmpfs option ${JSON.stringify(option)} is not supported by conet (supported: size=N[k|m|g], mode=OCTAL)`);
  }
  return backing;
}

function tmpfsSize(value: string): number {
  const match = /^(\d{1,15})([bkmg]?)$/i.exec(value);
  const size = match ? Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(size) || size <= 0) throw invalid('volume-options', `tmpfs size ${JSON.stringify(value)} must be a positive number of bytes, with an optional k, m or g`);
  return size;
}
