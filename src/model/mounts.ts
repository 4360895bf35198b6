/**
 * A container's mounts, decoded once from `HostConfig.Binds` (`-v`), `HostConfig.Mounts`
 * (`--mount`) and `HostConfig.Tmpfs` (`--tmpfs`) into one list of typed specs (api/decode/mounts.ts).
 * The engine turns each into a RuntimeMount at start (a volume's source is the volume's
 * directory), and the runtime resolves every destination inside the container's root.
 */

/** Docker's bind propagation modes (rprivate is the default). */
export type Propagation = 'rprivate' | 'private' | 'rshared' | 'shared' | 'rslave' | 'slave';

export const PROPAGATIONS: readonly Propagation[] = ['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave'];

/**
 * Which request field a mount came from (its errors name it; inspect's Mounts lists all but
 * `--tmpfs`): Binds, Mounts, Tmpfs, Config.Volumes (`-v /path`), the image's VOLUME, or another
 * container's mounts (`--volumes-from`).
 */
export type MountOrigin = 'binds' | 'mounts' | 'tmpfs' | 'volumes' | 'image' | 'volumes-from';

interface MountBase {
  /** Absolute, cleaned, never "/": the path the user gave (resolved inside the root at start). */
  destination: string;
  readOnly: boolean;
  origin: MountOrigin;
}

export interface BindMountSpec extends MountBase {
  type: 'bind';
  /** Absolute, cleaned host path. */
  source: string;
  propagation: Propagation;
  /** `-v` (and `--mount bind-create-mountpoint`) make a missing source directory; `--mount` otherwise refuses it. */
  createSource: boolean;
  /** `bind-nonrecursive`: a plain bind instead of rbind. */
  nonRecursive: boolean;
  /**
   * `bind-recursive=writable` (ReadOnlyNonRecursive): read-only at the top mount only. Otherwise
   * a read-only rbind is read-only all the way down (Docker 25+), where its propagation is rprivate.
   */
  readOnlyNonRecursive?: boolean;
  /** The mode text of a `-v` spec as given ("ro", "rw,rshared", ""), shown by inspect. */
  mode: string;
}

/** A named (or, with name "", anonymous) volume: filled in by the volumes part of the engine. */
export interface VolumeMountSpec extends MountBase {
  type: 'volume';
  /** "" for an anonymous volume. */
  name: string;
  /** "" for the daemon's default (local). */
  driver: string;
  driverOptions: Record<string, string>;
  labels: Record<string, string>;
  /** `nocopy`: the image's content is not copied into an empty volume. */
  noCopy: boolean;
  /** Mount only this path inside the volume (API 1.45); "" for all of it. */
  subpath: string;
  mode: string;
}

export interface TmpfsMountSpec extends MountBase {
  type: 'tmpfs';
  /** Mount options as validated (util/tmpfs-options.ts), before Docker's defaults are merged in. */
  options: string[];
}

export type MountSpec = BindMountSpec | VolumeMountSpec | TmpfsMountSpec;

/** What the runtime mounts: a host path bound at a destination, or a tmpfs. */
export interface RuntimeMount {
  type: 'bind' | 'tmpfs';
  /** The host path of a bind; "tmpfs" for a tmpfs. */
  source: string;
  /** As in the spec; the runtime resolves it inside the container's root. */
  destination: string;
  /** OCI mount options (rbind, ro, rprivate, size=…). */
  options: string[];
  /** A bind whose missing source directory is made (`-v`); otherwise a missing source is an error. */
  createSource?: boolean;
  /** A shared or slave bind: its source must sit on a mount with that propagation (Docker's ensureShared). */
  propagation?: Propagation;
}
