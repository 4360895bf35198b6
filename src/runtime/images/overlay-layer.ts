/**
 * A layer directory in overlayfs form, so layers stack as overlay lower directories the way
 * Docker's overlay2 driver keeps them: the tar whiteout `.wh.NAME` becomes a 0/0 character device
 * NAME, `.wh..wh..opq` becomes the `trusted.overlay.opaque=y` xattr on its directory. Device nodes
 * from the archive are dropped (as rootless Docker's unpacker does: an image has no business
 * carrying /dev/sda-like nodes, and a 0/0 one would act as a whiteout). The walk uses the
 * directory entries' own types (lstat semantics) and recurses only into real directories, so it
 * never follows a symlink the layer holds; nothing else writes the directory while it runs.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../exec/index.js';

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

export interface LayerWalk {
  /** Paths (in the layer directory) that must become whiteout devices. */
  whiteouts: string[];
  opaque: string[];
  droppedDevices: number;
}

async function walk(directory: string, found: LayerWalk): Promise<void> {
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isCharacterDevice() || entry.isBlockDevice()) {
      await rm(path);
      found.droppedDevices += 1;
    } else if (entry.name === OPAQUE) {
      await rm(path, { recursive: true });
      found.opaque.push(directory);
    } else if (entry.name.startsWith(WHITEOUT)) {
      await rm(path, { recursive: true });
      found.whiteouts.push(join(directory, entry.name.slice(WHITEOUT.length)));
    } else if (entry.isDirectory()) {
      await walk(path, found);
    }
  }
}

/** Translates the whiteouts of an unpacked layer in place; returns what it found. */
export async function toOverlayLayer(directory: string): Promise<LayerWalk> {
  const found: LayerWalk = { whiteouts: [], opaque: [], droppedDevices: 0 };
  await walk(directory, found);
  if (found.whiteouts.length > 0) {
    // One mknod per layer; every whiteout is a hard link to it (overlayfs shares whiteouts too).
    const scratch = join(directory, `.conet-whiteout-${randomBytes(6).toString('hex')}`);
    await mkdir(scratch, { mode: 0o700 });
    await run(['mknod', '-m', '000', join(scratch, 'wh'), 'c', '0', '0']);
    for (const path of found.whiteouts) {
      await link(join(scratch, 'wh'), path).catch((error: NodeJS.ErrnoException) => {
        // The layer also holds NAME itself: its own file already hides the lower one.
        if (error.code !== 'EEXIST') throw error;
      });
    }
    await rm(scratch, { recursive: true });
  }
  if (found.opaque.length > 0) await run(['setfattr', '-h', '-n', 'trusted.overlay.opaque', '-v', 'y', '--', ...found.opaque]);
  return found;
}
