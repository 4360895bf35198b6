/**
 * A container's root filesystem for work done from outside (`docker cp`): the running container's
 * overlay (`<directory>/merged`) as it is, or, for a container that is not running, the same
 * overlay mounted for the task and unmounted after it. The engine holds the container's lock, so
 * no start or rm runs meanwhile.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isMounted, mountOverlay, unmountTree } from '../../kernel/linux/mounts.js';

export async function withContainerRoot<T>(directory: string, imageLayers: readonly string[], task: (root: string) => Promise<T>): Promise<T> {
  const merged = join(directory, 'merged');
  if (await isMounted(merged)) return task(merged);
  for (const dir of ['upper', 'work', 'merged']) await mkdir(join(directory, dir), { recursive: true, mode: 0o700 });
  await mountOverlay({ lower: [...imageLayers], upper: join(directory, 'upper'), work: join(directory, 'work'), target: merged });
  try {
    return await task(merged);
  } finally {
    await unmountTree(merged);
  }
}
