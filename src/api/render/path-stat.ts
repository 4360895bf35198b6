/**
 * `X-Docker-Container-Path-Stat`, as Docker sends it with HEAD and GET /containers/{id}/archive:
 * base64 (standard) of the JSON of types.ContainerPathStat. `mode` is Go's os.FileMode (type bits
 * high, not st_mode's), `mtime` Go's RFC 3339 with trailing zeros of the fraction dropped.
 */
import type { PathStat } from '../../model/path-stat.js';

export const PATH_STAT_HEADER = 'X-Docker-Container-Path-Stat';

const S_IFMT = 0o170000;
/** st_mode's file type → Go's os.FileMode type bits (ModeDir 1<<31, ModeSymlink 1<<27, ...). */
const GO_TYPE: Record<number, number> = {
  0o040000: 2 ** 31,
  0o120000: 2 ** 27,
  0o010000: 2 ** 25,
  0o140000: 2 ** 24,
  0o060000: 2 ** 26,
  0o020000: 2 ** 26 + 2 ** 21,
  0o100000: 0,
};

/** Go's os.FileMode of a Linux st_mode. */
export function goFileMode(mode: number): number {
  const type = GO_TYPE[mode & S_IFMT] ?? 2 ** 19; // ModeIrregular for anything else
  const setuid = mode & 0o4000 ? 2 ** 23 : 0;
  const setgid = mode & 0o2000 ? 2 ** 22 : 0;
  const sticky = mode & 0o1000 ? 2 ** 20 : 0;
  return type + setuid + setgid + sticky + (mode & 0o777);
}

/** Go's time.Time JSON form in UTC: "2024-01-02T03:04:05.12Z", no fraction when it is zero. */
export function goTime(time: Date): string {
  return time.toISOString().replace(/\.?0+Z$/, 'Z').replace(/\.Z$/, 'Z');
}

export function encodePathStat(stat: PathStat): string {
  const json = JSON.stringify({ name: stat.name, size: stat.size, mode: goFileMode(stat.mode), mtime: goTime(stat.mtime), linkTarget: stat.linkTarget });
  return Buffer.from(json, 'utf8').toString('base64');
}
