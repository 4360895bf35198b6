/** An in-memory VolumeHost for unit tests: which volume directories exist and what is mounted on them. */
import type { VolumeBacking } from '../../model/volume.js';
import type { VolumeHost } from './dependencies.js';

export class FakeVolumeHost implements VolumeHost {
  readonly prepared = new Set<string>();
  readonly mounted = new Map<string, VolumeBacking>();
  /** Host directories a bind volume may name. */
  readonly directories = new Set<string>(['/srv/data']);
  failRemove = false;

  mountpoint(name: string): string {
    return `/var/lib/conet/volumes/${name}/_data`;
  }

  async prepare(name: string): Promise<void> {
    this.prepared.add(name);
  }

  async mount(name: string, backing: VolumeBacking): Promise<void> {
    if (backing.kind !== 'directory') this.mounted.set(name, backing);
  }

  async remove(name: string): Promise<void> {
    if (this.failRemove) throw new Error('umount: target is busy');
    this.mounted.delete(name);
    this.prepared.delete(name);
  }

  async isDirectory(path: string): Promise<boolean> {
    return this.directories.has(path);
  }
}
