/**
 * What the volume service needs of the host: the directories under `<data-root>/volumes` and the
 * mounts of the `local` driver's options. The Linux implementation is kernel/linux/volume-dirs.ts;
 * unit tests use an in-memory one.
 */
import type { VolumeBacking } from '../../model/volume.js';

export interface VolumeHost {
  /** `<root>/<name>/_data`, the volume's mountpoint (the name is a checked volume name). */
  mountpoint(name: string): string;
  /** Makes `<root>/<name>/_data`; one that exists is success. */
  prepare(name: string): Promise<void>;
  /** Mounts a bind or tmpfs backing at the mountpoint unless it is mounted already; a directory needs nothing. */
  mount(name: string, backing: VolumeBacking): Promise<void>;
  /** Unmounts whatever is at the mountpoint and removes `<root>/<name>`; a volume that is gone is success. */
  remove(name: string): Promise<void>;
  /** Whether a host path is an existing directory (a bind volume's device). */
  isDirectory(path: string): Promise<boolean>;
}

export interface VolumeUsers {
  /** Ids of the containers (running or not) whose mounts name the volume. */
  usersOf(name: string): string[];
}
