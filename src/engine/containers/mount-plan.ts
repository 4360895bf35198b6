/**
 * A container's mount specs (model/mounts.ts) turned into what the runtime mounts, as Docker's
 * daemon/oci_linux.go WithMounts does: a bind is `rbind` (`bind` when non-recursive), `ro` (and
 * `rro` for its submounts) when read-only, and its propagation; a tmpfs gets Docker's defaults (noexec, nosuid, nodev,
 * rprivate) under its own options; a volume becomes a bind of the directory the volumes part of
 * the engine gives for it. Also the create-time check Docker makes of `--mount` binds: the source
 * must exist (unless CreateMountpoint).
 */
import { stat } from 'node:fs/promises';
import { invalid, notImplemented } from '../../errors/index.js';
import type { BindMountSpec, MountSpec, RuntimeMount, VolumeMountSpec } from '../../model/mounts.js';
import { mergeTmpfsOptions, TMPFS_DEFAULTS } from '../../util/tmpfs-options.js';
import type { Container } from '../../model/container.js';
import type { UndoStack } from '../../util/undo.js';
import type { VolumePlanRequest } from '../volumes/container-volumes.js';
import type { CreateContainerRequest } from './create-request.js';
import type { ImageInfo } from './dependencies.js';

/** What gives a volume mount its host directory (made, and filled from the image, as Docker does). */
export interface VolumeMounter {
  sourceFor(spec: VolumeMountSpec, containerId: string): Promise<string>;
  /** At create: the mounts the container is stored with, every volume made and named (engine/volumes/container-volumes.ts). */
  plan?(request: VolumePlanRequest, undo: UndoStack): Promise<MountSpec[]>;
  /** After `rm -v` or a `--rm` container's end: its anonymous volumes that nobody else uses go. */
  removeAnonymous?(container: Container): Promise<void>;
}

/** What the volumes part plans from: the request's mounts, `-v /path`, the image's VOLUMEs, `--volumes-from`. */
export function volumePlanOf(request: CreateContainerRequest, image: ImageInfo): VolumePlanRequest {
  return {
    mounts: request.hostConfig.mounts ?? [],
    configVolumes: request.config.volumes ?? [],
    imageVolumes: image.volumes ?? [],
    volumesFrom: request.hostConfig.volumesFrom ?? [],
  };
}

export async function checkBindSources(specs: readonly MountSpec[]): Promise<void> {
  for (const spec of specs) {
    if (spec.type !== 'bind' || spec.createSource) continue;
    // Absent: the 400 below.
    if (!(await stat(spec.source).catch(() => undefined))) {
      throw invalid('mount-config', `HostConfig.Mounts: invalid mount config for type "bind": bind source path does not exist: ${spec.source}`);
    }
  }
}

/**
 * Docker 25+ makes a read-only rbind read-only all the way down (runc's `rro`, mount_setattr),
 * unless asked not to (`bind-recursive=writable`) or its propagation is not rprivate.
 */
function recursivelyReadOnly(spec: BindMountSpec): boolean {
  return spec.readOnly && !spec.nonRecursive && spec.readOnlyNonRecursive !== true && spec.propagation === 'rprivate';
}

async function runtimeMount(spec: MountSpec, containerId: string, volumes: VolumeMounter | undefined): Promise<RuntimeMount> {
  const ro = spec.readOnly ? ['ro'] : [];
  switch (spec.type) {
    case 'bind':
      return {
        type: 'bind', source: spec.source, destination: spec.destination, createSource: spec.createSource, propagation: spec.propagation,
        options: [spec.nonRecursive ? 'bind' : 'rbind', ...ro, ...(recursivelyReadOnly(spec) ? ['rro'] : []), spec.propagation],
      };
    case 'tmpfs':
      return { type: 'tmpfs', source: 'tmpfs', destination: spec.destination, options: mergeTmpfsOptions([...TMPFS_DEFAULTS, ...spec.options]) };
    case 'volume': {
      if (!volumes) throw notImplemented('volumes', 'conet does not support volumes yet');
      return { type: 'bind', source: await volumes.sourceFor(spec, containerId), destination: spec.destination, options: ['rbind', ...ro] };
    }
  }
}

export async function runtimeMounts(specs: readonly MountSpec[], containerId: string, volumes?: VolumeMounter): Promise<RuntimeMount[]> {
  const mounts: RuntimeMount[] = [];
  for (const spec of specs) mounts.push(await runtimeMount(spec, containerId, volumes));
  return mounts;
}
