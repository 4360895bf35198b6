/**
 * Overlay mounts for container root filesystems, through mount(8)/umount(8) (argv only). A mount
 * made here lives in the daemon's mount namespace; removal is idempotent ("not mounted" is success)
 * and lazy-free: a busy mount is an error the caller must see, never silently left behind.
 */
import { readFile } from 'node:fs/promises';
import { run } from '../../exec/index.js';
import { invalid, system } from '../../errors/index.js';

export interface OverlayMount {
  lower: string;
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
  for (const path of [mount.lower, mount.upper, mount.work]) {
    if (/[,:]/.test(path)) throw invalid('overlay-path', `overlay paths must not contain ',' or ':': ${path}`);
  }
  await run(['mount', '-t', 'overlay', 'overlay', '-o', `lowerdir=${mount.lower},upperdir=${mount.upper},workdir=${mount.work}`, mount.target]);
}

/** Unmounts every mount at or below target, deepest first; nothing mounted is success. */
export async function unmountTree(target: string): Promise<void> {
  const below = (await mountPoints()).filter((point) => point === target || point.startsWith(`${target}/`));
  for (const point of below.sort((a, b) => b.length - a.length)) {
    const result = await run(['umount', point], { allowFailure: true });
    if (result.code !== 0 && !/not mounted|no mount point/i.test(result.stderr)) {
      throw system('unmount', `unmounting ${point} failed: ${result.stderr.trim()}`);
    }
  }
}
