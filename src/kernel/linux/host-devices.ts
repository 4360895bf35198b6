/**
 * The host's device nodes, for `--privileged` (Docker gives a privileged container every device
 * of the host, as containerd's HostDevices lists them): every character and block device under
 * /dev, walking subdirectories except the ones that are per-container or not devices (pts, shm,
 * fd, mqueue, and the .lxc/.lxd-mounts/.udev bookkeeping), and not /dev/console (runc makes the
 * container's own). Symlinks, FIFOs and plain files are skipped; lstat, so a link never leads
 * outside /dev. A node that vanishes while being read is skipped.
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import { invalid } from '../../errors/index.js';
import { join } from 'node:path';

export interface HostDevice {
  /** Path in the container: the same as on the host. */
  path: string;
  type: 'c' | 'b';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

const SKIPPED_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);
/** Enough for any real /dev; a bigger one is cut rather than walked forever. */
const MAX_DEVICES = 4096;

/** Linux's dev_t split (glibc's gnu_dev_major/minor). */
export function deviceNumbers(rdev: number): { major: number; minor: number } {
  const value = BigInt(rdev);
  const major = Number(((value >> 8n) & 0xfffn) | ((value >> 32n) & ~0xfffn));
  const minor = Number((value & 0xffn) | ((value >> 12n) & ~0xffn));
  return { major, minor };
}

async function deviceAt(path: string): Promise<HostDevice | undefined> {
  // Gone since the directory was read: not a device any more.
  const stat = await lstat(path).catch(() => undefined);
  if (!stat || !(stat.isCharacterDevice() || stat.isBlockDevice())) return undefined;
  return { path, type: stat.isCharacterDevice() ? 'c' : 'b', ...deviceNumbers(stat.rdev), fileMode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid };
}

async function walk(root: string, dir: string, out: HostDevice[]): Promise<void> {
  // A subdirectory removed meanwhile has nothing to list.
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (out.length >= MAX_DEVICES) return;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) await walk(root, path, out);
      continue;
    }
    if (dir === root && entry.name === 'console') continue;
    const device = await deviceAt(path);
    if (device) out.push(device);
  }
}

export async function listHostDevices(root = '/dev'): Promise<HostDevice[]> {
  const out: HostDevice[] = [];
  await walk(root, root, out);
  return out;
}

/**
 * The numbers of the host's block devices at `paths` (the per-device blkio options), as Docker's
 * getBlkioThrottleDevices stats them (following links such as /dev/disk/by-id/…): a path that is
 * missing or no block device is a 400 naming it.
 */
export async function blockDeviceNumbers(paths: readonly string[]): Promise<Map<string, { major: number; minor: number }>> {
  const numbers = new Map<string, { major: number; minor: number }>();
  for (const path of new Set(paths)) {
    // Missing: the 400 below, naming the path.
    const found = await stat(path).catch(() => undefined);
    if (!found?.isBlockDevice()) throw invalid('blkio-device', `${path} is not a block device on this host`);
    numbers.set(path, deviceNumbers(found.rdev));
  }
  return numbers;
}
