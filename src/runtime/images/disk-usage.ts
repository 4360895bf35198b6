import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Apparent size of a tree (what Docker reports as an image's Size); symlinks are not followed. */
export async function diskUsage(path: string): Promise<number> {
  const stat = await lstat(path);
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await diskUsage(join(path, entry));
  return total;
}
