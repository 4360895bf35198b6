/**
 * The create fields of volumes besides Binds and Mounts: Config.Volumes (`-v /path`: an anonymous
 * volume at each path), HostConfig.VolumesFrom (`--volumes-from NAME[:ro|:rw]`) and
 * HostConfig.VolumeDriver (only the `local` driver exists). Each is a 400 naming the field when
 * malformed, with Docker's messages.
 */
import { posix } from 'node:path';
import { invalid } from '../../errors/index.js';
import type { VolumesFrom } from '../../model/volume.js';
import { object, string, strings } from './json.js';

const shown = (text: string): string => JSON.stringify(text.slice(0, 256));

/** Config.Volumes: {"/path": {}} -> cleaned absolute paths (never "/"). */
export function decodeConfigVolumes(value: unknown): string[] {
  return Object.keys(object(value, 'Config.Volumes')).map((path) => {
    if (path.includes('\0') || !posix.isAbsolute(path)) throw invalid('request', `Config.Volumes: invalid volume ${shown(path)}: the path must be absolute`);
    const clean = posix.normalize(path).replace(/(.)\/$/, '$1');
    if (clean === '/') throw invalid('request', "Config.Volumes: invalid volume: path can't be '/'");
    return clean;
  });
}

/** HostConfig.VolumesFrom: "container[:ro|:rw]". */
export function decodeVolumesFrom(value: unknown): VolumesFrom[] {
  return strings(value, 'HostConfig.VolumesFrom').map((spec) => {
    const parts = spec.split(':');
    const [container = '', mode = ''] = parts;
    if (container === '' || parts.length > 2) throw invalid('request', `HostConfig.VolumesFrom: malformed volumes-from specification: ${shown(spec)}`);
    if (parts.length === 2 && mode !== 'ro' && mode !== 'rw') throw invalid('request', `HostConfig.VolumesFrom: invalid mode for volumes-from: ${shown(mode)} (ro or rw)`);
    return { container, mode: parts.length === 2 ? (mode as 'ro' | 'rw') : '' };
  });
}

/** HostConfig.VolumeDriver: "" or "local". */
export function checkVolumeDriver(value: unknown): void {
  const driver = string(value, 'HostConfig.VolumeDriver');
  if (driver !== '' && driver !== 'local') throw invalid('unsupported-option', `HostConfig.VolumeDriver: conet does not support the volume driver ${shown(driver)} (only "local") (--volume-driver)`);
}
