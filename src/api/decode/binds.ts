/**
 * `HostConfig.Binds` (`-v SRC:DST[:MODE]`), parsed as Docker's Linux parser does (moby
 * volume/mounts linux_parser.go ParseMountRaw): split on ':', an absolute SRC is a bind (its
 * missing directory is made at start), any other SRC a named volume, a lone DST an anonymous
 * volume. MODE is a comma list with at most one of each: rw|ro, z|Z (SELinux relabelling: nothing
 * to do on a host without SELinux, as Docker), a propagation mode, nocopy (volumes only), a
 * consistency (ignored on Linux, as Docker).
 */
import { invalid } from '../../errors/index.js';
import { PROPAGATIONS, type MountSpec, type Propagation } from '../../model/mounts.js';
import { bindSource, mountConfigError, mountDestination } from './mount-paths.js';

const MODE_GROUPS: ReadonlyArray<readonly string[]> = [
  ['rw', 'ro'], ['z', 'Z'], PROPAGATIONS, ['nocopy'], ['consistent', 'cached', 'delegated'],
];

/** linuxValidMountMode: every option known, at most one from each group. */
function validMode(mode: string): boolean {
  if (mode === '') return true;
  const counts = MODE_GROUPS.map(() => 0);
  for (const option of mode.split(',')) {
    const group = MODE_GROUPS.findIndex((options) => options.includes(option));
    if (group < 0) return false;
    counts[group] = (counts[group] ?? 0) + 1;
  }
  return counts.every((count) => count <= 1);
}

const specError = (raw: string): Error => invalid('mount-config', `HostConfig.Binds: invalid volume specification: '${raw.slice(0, 256)}'`);

function splitSpec(raw: string): { source: string; target: string; mode: string } {
  const parts = raw.split(':');
  if (parts.length === 1) return { source: '', target: parts[0] ?? '', mode: '' };
  // "/foo:rw" is a destination and a mode: volumes cannot have a mode alone.
  if (parts.length === 2 && validMode(parts[1] ?? '')) throw specError(raw);
  if (parts.length === 2) return { source: parts[0] ?? '', target: parts[1] ?? '', mode: '' };
  if (parts.length === 3) return { source: parts[0] ?? '', target: parts[1] ?? '', mode: parts[2] ?? '' };
  throw specError(raw);
}

export function decodeBind(raw: string): MountSpec {
  const where = 'HostConfig.Binds';
  const { source, target, mode } = splitSpec(raw);
  if (!validMode(mode)) throw invalid('mount-config', `${where}: invalid mode: ${mode.slice(0, 64)}`);
  const options = mode === '' ? [] : mode.split(',');
  const readOnly = options.includes('ro');
  const noCopy = options.includes('nocopy');
  if (source.startsWith('/')) {
    if (noCopy) throw mountConfigError(where, 'bind', 'field VolumeOptions must not be specified');
    const propagation = (options.find((option) => (PROPAGATIONS as readonly string[]).includes(option)) ?? 'rprivate') as Propagation;
    const destination = mountDestination(target, where, 'bind');
    return { type: 'bind', source: bindSource(source, where), destination, readOnly, propagation, createSource: true, nonRecursive: false, mode, origin: 'binds' };
  }
  if (options.some((option) => (PROPAGATIONS as readonly string[]).includes(option))) throw mountConfigError(where, 'volume', 'field BindOptions must not be specified');
  const destination = mountDestination(target, where, 'volume');
  if (source === '' && readOnly) throw mountConfigError(where, 'volume', 'must not set ReadOnly mode when using anonymous volumes');
  return { type: 'volume', name: source, driver: '', driverOptions: {}, labels: {}, noCopy, subpath: '', destination, readOnly, mode, origin: 'binds' };
}
