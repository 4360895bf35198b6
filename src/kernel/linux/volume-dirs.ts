/**
 * The `local` volume driver's host side: `<root>/<name>/_data` directories and the mounts its
 * options ask for (a bind of a host directory, a tmpfs), through mount(8)/umount(8), argv only,
 * built from typed values. A name must be one file name directly under the root: anything that
 * would resolve elsewhere ('/', '..', NUL) is refused here too, whatever the caller checked.
 */
import { lstat, mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { invalid } from '../../errors/index.js';
import { run } from '../../exec/index.js';
import type { VolumeBacking } from '../../model/volume.js';
import { isMounted, unmountTree } from './mounts.js';

export class LocalVolumeDirs {
  constructor(private readonly root: string) {}

  private directory(name: string): string {
    const path = resolve(this.root, name);
    if (name === '' || name.includes('\0') || name.includes('/') || name.startsWith('.') || path !== join(this.root, name)) {
      throw invalid('volume-name', `invalid volume name ${JSON.stringify(name)}`);
    }
    return path;
  }

  mountpoint(name: string): string {
    return join(this.directory(name), '_data');
  }

  async prepare(name: string): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o701 });
    await mkdir(this.directory(name), { mode: 0o701 }).catch(existsIsFine);
    await mkdir(this.mountpoint(name), { mode: 0o755 }).catch(existsIsFine);
    // A directory of that name must be ours, not a symlink planted to lead elsewhere.
    if (!(await lstat(this.directory(name))).isDirectory()) throw invalid('volume-name', `volume directory of ${name} is not a directory`);
  }

  async mount(name: string, backing: VolumeBacking): Promise<void> {
    const target = this.mountpoint(name);
    if (backing.kind === 'directory' || (await isMounted(target))) return;
    if (backing.kind === 'bind') {
      await run(['mount', '--bind', '--', backing.device, target]);
      return;
    }
    const options = [`mode=${(backing.mode ?? 0o755).toString(8)}`, ...(backing.size === undefined ? [] : [`size=${backing.size}`])];
    await run(['mount', '-t', 'tmpfs', '-o', options.join(','), 'tmpfs', target]);
  }

  async remove(name: string): Promise<void> {
    const directory = this.directory(name);
    await unmountTree(this.mountpoint(name));
    await rm(directory, { recursive: true, force: true });
  }

  async isDirectory(path: string): Promise<boolean> {
    return stat(path).then((info) => info.isDirectory(), () => false);
  }
}

function existsIsFine(error: unknown): void {
  // mkdir of a directory that exists: the volume is being prepared again (create is idempotent).
  if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
}
