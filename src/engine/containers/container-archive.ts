/**
 * `docker cp` use cases (the archive endpoints): stat a path, stream a tar of it, unpack a tar into
 * a directory, on running and stopped containers alike. Each holds the container's lock for its
 * whole length (as Docker does), so no start, stop or rm changes the root under it; the root of a
 * stopped container is mounted for the task. Everything inside the root is done by ContainerFiles,
 * confined to it. Errors as Docker words them.
 *
 * A path at or under one of the container's bind or volume mounts goes through the mount, as
 * Docker's cp mounts the container's volumes for the copy: its stat and an extraction resolve the
 * rest of the path inside the mount's host directory, which is then the root they are confined to
 * (a symlink in a volume can't leave the volume); the tar of a read runs chrooted in the
 * container's root with every bind and volume mounted at its destination in a private mount
 * namespace. A read-only mount refuses an extraction with Docker's 400; a tmpfs (nothing on the
 * host to go through) stays a 501.
 */
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { invalid, notFound, notImplemented } from '../../errors/index.js';
import type { Container } from '../../model/container.js';
import type { PathStat } from '../../model/path-stat.js';
import type { ContainerService } from './container-service.js';
import type { ArchiveBind, ContainerFiles, ImageSource } from './dependencies.js';

export interface ExtractRequest {
  /** Docker's noOverwriteDirNonDir (accepted; bsdtar replaces a file by a directory and back only when empty). */
  noOverwriteDirNonDir: boolean;
  /** `docker cp -a`: the entries belong to the container's user. */
  copyUidGid: boolean;
}

const fileNotFound = (path: string, reference: string) => notFound('container-path-not-found', `Could not find the file ${path} in container ${reference}`);

/** Where a volume's directory is, by name (the volumes part of the engine). */
export type VolumeDirectory = (name: string) => string;

/** A path under one of the container's mounts: the mount, and the rest of the path inside its source. */
interface ThroughMount {
  bind: ArchiveBind;
  /** Absolute, inside the mount's source ("/" for the mount point itself). */
  rest: string;
}

const cleanPath = (path: string): string => posix.normalize(`/${path}`).replace(/(.)\/+$/, '$1');

/**
 * The container's bind and volume mounts as host directories (tmpfs has none on the host), the
 * outer ones first (a copy mounts them in that order).
 */
export function archiveBinds(container: Container, volumeDirectory: VolumeDirectory | undefined): ArchiveBind[] {
  const binds: ArchiveBind[] = [];
  for (const mount of container.hostConfig.mounts ?? []) {
    if (mount.type === 'bind') binds.push({ destination: mount.destination, source: mount.source, readOnly: mount.readOnly });
    if (mount.type === 'volume' && volumeDirectory && mount.name !== '') binds.push({ destination: mount.destination, source: volumeDirectory(mount.name), readOnly: mount.readOnly });
  }
  return binds.sort((a, b) => a.destination.length - b.destination.length);
}

/**
 * The innermost mount at or above `path`, as Docker's cp resolves a path through the container's
 * volumes: a bind or volume gives its host directory and the rest of the path in it (confined
 * there like a root); a tmpfs has no host directory and stays a 501.
 */
function throughMount(container: Container, binds: readonly ArchiveBind[], path: string): ThroughMount | undefined {
  const clean = cleanPath(path);
  const under = (destination: string): boolean => clean === destination || clean.startsWith(`${destination}/`);
  const mounts = (container.hostConfig.mounts ?? []).filter((spec) => under(spec.destination));
  const innermost = mounts.sort((a, b) => b.destination.length - a.destination.length)[0];
  if (!innermost) return undefined;
  const bind = binds.find((candidate) => candidate.destination === innermost.destination);
  if (!bind) throw notImplemented('cp-through-mount', `conet does not support docker cp through the container's ${innermost.type} mount at ${innermost.destination} yet`);
  const rest = cleanPath(path).slice(bind.destination.length) || '/';
  // A trailing "/." (Docker's "the content of") and a trailing "/" keep their meaning.
  if (/\/\.$/.test(path)) return { bind, rest: rest === '/' ? '/.' : `${rest}/.` };
  return { bind, rest: path.endsWith('/') && rest !== '/' ? `${rest}/` : rest };
}

export class ContainerArchives {
  constructor(
    private readonly containers: ContainerService,
    private readonly files: ContainerFiles,
    private readonly images: Pick<ImageSource, 'layersOf'>,
    private readonly volumeDirectory?: VolumeDirectory,
  ) {}

  stat(reference: string, path: string): Promise<PathStat> {
    return this.inRoot(reference, (root, container) => this.statOrFail(this.placeOf(root, container, path), reference, path));
  }

  /** `send` gets the stat and the tar stream and resolves once it has passed it all on. */
  read(reference: string, path: string, send: (stat: PathStat, archive: Readable) => Promise<void>): Promise<void> {
    return this.inRoot(reference, async (root, container) => {
      const stat = await this.statOrFail(this.placeOf(root, container, path), reference, path);
      // The tar sees the container's binds and volumes where the container does (Docker mounts them for the copy).
      const archive = await this.files.read(root, path, archiveBinds(container, this.volumeDirectory));
      if (!archive) throw fileNotFound(path, reference);
      try {
        await Promise.all([send(stat, archive.stream), archive.done]);
      } finally {
        archive.cancel();
      }
    });
  }

  extract(reference: string, path: string, input: Readable, request: ExtractRequest): Promise<void> {
    return this.inRoot(reference, async (root, container) => {
      const place = this.placeOf(root, container, path);
      // Docker's checkIfPathIsInAVolume: a read-only mount takes nothing.
      if (place.readOnly) throw invalid('read-only-volume', 'mounted volume is marked read-only');
      const owner = request.copyUidGid ? { ownerUser: container.config.user, accountsRoot: root } : {};
      const result = await this.files.extract(place.root, place.path, input, owner);
      if (result === 'missing') throw fileNotFound(path, reference);
      if (result === 'not-directory') throw invalid('extract-not-directory', 'extraction point is not a directory');
    });
  }

  /** Where `path` is: in the container's root, or in the source of the mount it is under. */
  private placeOf(root: string, container: Container, path: string): { root: string; path: string; readOnly: boolean; mountPoint?: string } {
    const through = throughMount(container, archiveBinds(container, this.volumeDirectory), path);
    if (!through) return { root, path, readOnly: false };
    return { root: through.bind.source, path: through.rest, readOnly: through.bind.readOnly, mountPoint: through.bind.destination };
  }

  private async statOrFail(place: { root: string; path: string; mountPoint?: string }, reference: string, path: string): Promise<PathStat> {
    const stat = await this.files.stat(place.root, place.path);
    if (!stat) throw fileNotFound(path, reference);
    // The mount point itself is named as the container names it, not "/" (its source's root).
    if (place.mountPoint !== undefined && place.path === '/') return { ...stat, name: posix.basename(place.mountPoint) };
    return stat;
  }

  private async inRoot<T>(reference: string, task: (root: string, container: Container) => Promise<T>): Promise<T> {
    return this.containers.locked(reference, (container) =>
      this.files.withRoot(this.containers.directoryOf(container.id), this.images.layersOf(container.imageId), (root) => task(root, container)));
  }
}
