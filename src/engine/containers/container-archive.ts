/**
 * `docker cp` use cases (the archive endpoints): stat a path, stream a tar of it, unpack a tar into
 * a directory, on running and stopped containers alike. Each holds the container's lock for its
 * whole length (as Docker does), so no start, stop or rm changes the root under it; the root of a
 * stopped container is mounted for the task. Everything inside the root is done by ContainerFiles,
 * confined to it. Errors as Docker words them.
 */
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { invalid, notFound, notImplemented } from '../../errors/index.js';
import type { Container } from '../../model/container.js';
import type { PathStat } from '../../model/path-stat.js';
import type { ContainerService } from './container-service.js';
import type { ContainerFiles, ImageSource } from './dependencies.js';

export interface ExtractRequest {
  /** Docker's noOverwriteDirNonDir (accepted; bsdtar replaces a file by a directory and back only when empty). */
  noOverwriteDirNonDir: boolean;
  /** `docker cp -a`: the entries belong to the container's user. */
  copyUidGid: boolean;
}

const fileNotFound = (path: string, reference: string) => notFound('container-path-not-found', `Could not find the file ${path} in container ${reference}`);

/**
 * docker cp does not go through the container's own mounts yet (Docker mounts them for the copy):
 * a copy at or under one is refused, rather than answered from the directory the mount hides.
 * A stat only looks: it still answers what the root holds there (the CLI stats before copying).
 */
function refuseThroughMounts(container: Container, path: string): void {
  const clean = posix.normalize(`/${path}`).replace(/(.)\/+$/, '$1');
  const mount = (container.hostConfig.mounts ?? []).find((spec) => clean === spec.destination || clean.startsWith(`${spec.destination}/`));
  if (mount) throw notImplemented('cp-through-mount', `conet does not support docker cp through the container's ${mount.type} mount at ${mount.destination} yet`);
}

export class ContainerArchives {
  constructor(
    private readonly containers: ContainerService,
    private readonly files: ContainerFiles,
    private readonly images: Pick<ImageSource, 'layersOf'>,
  ) {}

  stat(reference: string, path: string): Promise<PathStat> {
    return this.inRoot(reference, (root) => this.statOrFail(root, reference, path));
  }

  /** `send` gets the stat and the tar stream and resolves once it has passed it all on. */
  read(reference: string, path: string, send: (stat: PathStat, archive: Readable) => Promise<void>): Promise<void> {
    return this.inRoot(reference, async (root) => {
      const stat = await this.statOrFail(root, reference, path);
      const archive = await this.files.read(root, path);
      if (!archive) throw fileNotFound(path, reference);
      try {
        await Promise.all([send(stat, archive.stream), archive.done]);
      } finally {
        archive.cancel();
      }
    }, path);
  }

  extract(reference: string, path: string, input: Readable, request: ExtractRequest): Promise<void> {
    return this.inRoot(reference, async (root, container) => {
      const owner = request.copyUidGid ? { ownerUser: container.config.user } : {};
      const result = await this.files.extract(root, path, input, owner);
      if (result === 'missing') throw fileNotFound(path, reference);
      if (result === 'not-directory') throw invalid('extract-not-directory', 'extraction point is not a directory');
    }, path);
  }

  private async statOrFail(root: string, reference: string, path: string): Promise<PathStat> {
    const stat = await this.files.stat(root, path);
    if (!stat) throw fileNotFound(path, reference);
    return stat;
  }

  /** `through`: the path a copy goes through (a stat, which only looks, may look at a mount point). */
  private async inRoot<T>(reference: string, task: (root: string, container: Container) => Promise<T>, through?: string): Promise<T> {
    return this.containers.locked(reference, (container) => {
      if (through !== undefined) refuseThroughMounts(container, through);
      return this.files.withRoot(this.containers.directoryOf(container.id), this.images.layersOf(container.imageId), (root) => task(root, container));
    });
  }
}
