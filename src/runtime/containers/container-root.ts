/**
 * A container's root filesystem for work done from outside (`docker cp`): the running container's
 * overlay (`<directory>/merged`) as it is, or, for a container that is not running, the same
 * overlay mounted for the task and unmounted after it. The engine holds the container's lock, so
 * no start or rm runs meanwhile.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isMounted, mountOverlay, unmountTree } from '../../kernel/linux/mounts.js';
import type { RootMount } from './archive-out.js';

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

/** The files a started container has bind-mounted (etc-files.ts writes them next to `merged/`); none before its first start. */
export async function etcMountsOf(root: string): Promise<RootMount[]> {
  const directory = dirname(root);
  const mounts = [
    { target: '/etc/hostname', source: join(directory, 'hostname') },
    { target: '/etc/hosts', source: join(directory, 'hosts') },
    { target: '/etc/resolv.conf', source: join(directory, 'resolv.conf') },
  ];
  const written = await Promise.all(mounts.map(async (mount) => {
    // Not written yet (never started): nothing to mount.
    const found = await stat(mount.source).catch(() => undefined);
    return found?.isFile() ? mount : undefined;
  }));
  return written.filter((mount): mount is RootMount => mount !== undefined);
}
