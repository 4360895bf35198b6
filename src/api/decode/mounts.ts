/**
 * A create's mounts, from its three fields, into one list of typed specs (model/mounts.ts):
 * `HostConfig.Binds` (`-v`), `HostConfig.Mounts` (`--mount`), `HostConfig.Tmpfs` (`--tmpfs`).
 * Two mounts on one destination are Docker's "Duplicate mount point" 400. Volume mounts decode
 * into their own variant (named, or anonymous with name ""), which the engine's volumes part
 * makes and names at create.
 */
import { invalid } from '../../errors/index.js';
import type { MountSpec } from '../../model/mounts.js';
import { parseTmpfsOptions } from '../../util/tmpfs-options.js';
import { decodeBind } from './binds.js';
import { object, strings, type Json } from './json.js';
import { mountDestination } from './mount-paths.js';
import { decodeMountEntry } from './mount-objects.js';

function decodeMountList(value: unknown): MountSpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid('request', 'HostConfig.Mounts must be an array');
  return value.map((entry, index) => decodeMountEntry(entry, `HostConfig.Mounts[${index}]`));
}

/** `{"/run": "size=64m,mode=1777"}`: each key a destination, each value its tmpfs options. */
function decodeTmpfsMap(value: unknown): MountSpec[] {
  return Object.entries(object(value, 'HostConfig.Tmpfs')).map(([path, options]) => {
    const where = `HostConfig.Tmpfs[${JSON.stringify(path.slice(0, 256))}]`;
    if (typeof options !== 'string') throw invalid('request', `${where} must be a string`);
    const parsed = parseTmpfsOptions(options, where);
    const readOnly = parsed.filter((option) => option === 'ro' || option === 'rw').at(-1) === 'ro';
    return { type: 'tmpfs', destination: mountDestination(path, where, 'tmpfs'), readOnly, origin: 'tmpfs', options: parsed };
  });
}

export function decodeMounts(host: Json): MountSpec[] {
  const specs = [
    ...strings(host['Binds'], 'HostConfig.Binds').map(decodeBind),
    ...decodeMountList(host['Mounts']),
    ...decodeTmpfsMap(host['Tmpfs']),
  ];
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.destination)) throw invalid('mount-config', `Duplicate mount point: ${spec.destination.slice(0, 256)}`);
    seen.add(spec.destination);
  }
  return specs;
}
