/**
 * Overlay mounts for container root filesystems, through mount(8)/umount(8) (argv only). A mount
 * made here lives in the daemon's mount namespace; removal is idempotent ("not mounted" is success)
 * and lazy-free: a busy mount is an error the caller must see, never silently left behind.
 */
import { readFile, realpath } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { run } from '../../exec/index.js';
import { invalid, system } from '../../errors/index.js';

export interface OverlayMount {
  /** Lower directories, bottom first (an image's layers; one for a flattened rootfs). */
  lower: readonly string[];
  upper: string;
  work: string;
  target: string;
}

/** Unescapes mountinfo's octal escapes (`\040` for a space). */
const unescape = (text: string): string => text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/** Mount points of this process's namespace (the 5th field of /proc/self/mountinfo). */
export async function mountPoints(): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text.split('\n').filter(Boolean).map((line) => unescape(line.split(' ')[4] ?? ''));
}

export async function isMounted(target: string): Promise<boolean> {
  return (await mountPoints()).includes(target);
}

export async function mountOverlay(mount: OverlayMount): Promise<void> {
  if (await isMounted(mount.target)) return;
  if (mount.lower.length === 0) throw invalid('overlay-path', 'an overlay needs at least one lower directory');
  for (const path of [...mount.lower, mount.upper, mount.work]) {
    if (/[,:]/.test(path)) throw invalid('overlay-path', `overlay paths must not contain ',' or ':': ${path}`);
  }
  // The options must fit in one page: layers that share a parent (an image's layers/) are named
  // relative to it and mount runs there, as Docker's overlay2 does with its short links.
  const parent = dirname(mount.lower[0]!);
  const shared = mount.lower.every((path) => dirname(path) === parent);
  const lower = [...mount.lower].reverse().map((path) => (shared ? basename(path) : path)).join(':');
  await run(['mount', '-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${mount.upper},workdir=${mount.work}`, mount.target], shared ? { cwd: parent } : {});
}

/** Unmounts every mount at or below target (`keepTarget`: only below it), deepest first; nothing mounted is success. */
export async function unmountTree(target: string, options: { keepTarget?: boolean } = {}): Promise<void> {
  const below = (await mountPoints()).filter((point) => (point === target && !options.keepTarget) || point.startsWith(`${target}/`));
  for (const point of below.sort((a, b) => b.length - a.length)) {
    const result = await run(['umount', point], { allowFailure: true });
    if (result.code !== 0 && !/not mounted|no mount point/i.test(result.stderr)) {
      throw system('unmount', `unmounting ${point} failed: ${result.stderr.trim()}`);
    }
  }
}

export interface MountPropagation {
  /** The mount point that holds the path. */
  mountPoint: string;
  shared: boolean;
  /** A slave (receives from a master: `master:N`). */
  slave: boolean;
}

/**
 * The propagation of the mount that holds `path` (its real path), from the optional fields of
 * /proc/self/mountinfo (`shared:N`, `master:N`): Docker's ensureShared reads the same.
 */
export async function mountPropagationOf(path: string): Promise<MountPropagation> {
  const real = await realpath(path);
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  let best: MountPropagation | undefined;
  for (const line of text.split('\n').filter(Boolean)) {
    const fields = line.split(' ');
    const point = unescape(fields[4] ?? '');
    const holds = point === '/' || real === point || real.startsWith(`${point}/`);
    if (!holds || (best && best.mountPoint.length > point.length)) continue;
    const optional = fields.slice(6, fields.indexOf('-'));
    best = { mountPoint: point, shared: optional.some((field) => field.startsWith('shared:')), slave: optional.some((field) => field.startsWith('master:')) };
  }
  if (!best) throw system('mountinfo', `no mount holds ${path}`);
  return best;
}
