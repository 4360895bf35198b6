/**
 * A container's volumes, as Docker's daemon registers its mount points at create: the mounts the
 * request names (`-v`, `--mount`, `--tmpfs`) win; then `--volumes-from` adds the other
 * container's binds and volumes at destinations still free (with `:ro`/`:rw` over their mode);
 * then `-v /path` (Config.Volumes) and the image's VOLUMEs get anonymous volumes where nothing is
 * mounted yet. Anonymous volumes are made, named volumes made when missing, all before the record
 * is stored (undone if the create fails). At start each volume mount gets its directory (mounted
 * for bind and tmpfs volumes) and, when empty and not `nocopy`, the image's content at the
 * destination. `rm -v` (and `--rm`) removes the anonymous ones nobody else uses.
 */
import { invalid } from '../../errors/index.js';
import type { Container } from '../../model/container.js';
import type { MountSpec, VolumeMountSpec } from '../../model/mounts.js';
import type { VolumesFrom } from '../../model/volume.js';
import type { UndoStack } from '../../util/undo.js';
import { checkVolumeName } from './volume-names.js';
import type { VolumeService } from './volume-service.js';

export interface VolumePlanRequest {
  /** The request's own mounts, decoded. */
  mounts: readonly MountSpec[];
  /** Config.Volumes (`-v /path`): cleaned absolute paths. */
  configVolumes: readonly string[];
  /** The image's VOLUME paths. */
  imageVolumes: readonly string[];
  volumesFrom: readonly VolumesFrom[];
}

export interface ContainerVolumesDeps {
  volumes: VolumeService;
  /** Docker's container lookup (id, name, unique id prefix) and every container. */
  containers: { find(reference: string): Container | undefined; all(): Container[] };
  /**
   * Copies the container's image content at `destination` into `volumeDir` when that is empty
   * (the root mounted for the copy if the container isn't running).
   */
  copyUp?: (containerId: string, destination: string, volumeDir: string) => Promise<void>;
}

const anonymousAt = (destination: string, origin: 'volumes' | 'image'): VolumeMountSpec => ({
  type: 'volume', name: '', driver: '', driverOptions: {}, labels: {}, noCopy: false, subpath: '', destination, readOnly: false, mode: '', origin,
});

export class ContainerVolumes {
  constructor(private readonly deps: ContainerVolumesDeps) {}

  /** The mounts a new container is stored with: every volume named and existing. */
  async plan(request: VolumePlanRequest, undo: UndoStack): Promise<MountSpec[]> {
    const mounts = [...request.mounts];
    const taken = new Set(mounts.map((mount) => mount.destination));
    const add = (mount: MountSpec): void => {
      if (taken.has(mount.destination)) return;
      taken.add(mount.destination);
      mounts.push(mount);
    };
    for (const entry of request.volumesFrom) this.mountsFrom(entry).forEach(add);
    request.configVolumes.forEach((path) => add(anonymousAt(path, 'volumes')));
    request.imageVolumes.forEach((path) => add(anonymousAt(path, 'image')));
    mounts.forEach(checkVolumeMount);
    const named: MountSpec[] = [];
    for (const mount of mounts) named.push(mount.type === 'volume' ? await this.ensure(mount, undo) : mount);
    return named;
  }

  private mountsFrom(entry: VolumesFrom): MountSpec[] {
    const source = this.deps.containers.find(entry.container);
    // A 400, not Docker's 404: the CLI reads a 404 from create as a missing image and answers with a pull error.
    if (!source) throw invalid('volumes-from', `HostConfig.VolumesFrom: No such container: ${entry.container.slice(0, 128)}`);
    return (source.hostConfig.mounts ?? [])
      .filter((mount) => mount.type !== 'tmpfs')
      .map((mount) => ({ ...mount, origin: 'volumes-from' as const, ...(entry.mode === '' ? {} : { readOnly: entry.mode === 'ro', mode: entry.mode }) }));
  }

  private async ensure(mount: VolumeMountSpec, undo: UndoStack): Promise<VolumeMountSpec> {
    if (mount.name !== '' && this.deps.volumes.all().some((volume) => volume.name === mount.name)) return mount;
    const volume = mount.name === ''
      ? await this.deps.volumes.createAnonymous()
      : await this.deps.volumes.create({ name: mount.name, driver: mount.driver, options: mount.driverOptions, labels: mount.labels });
    undo.push(`remove the volume ${volume.name}`, () => this.deps.volumes.remove(volume.name, true));
    return { ...mount, name: volume.name };
  }

  /** At start: the volume's directory, its backing mounted, the image's content copied into it when empty. */
  async sourceFor(spec: VolumeMountSpec, containerId: string): Promise<string> {
    const directory = await this.deps.volumes.claim(spec.name, { container: containerId, destination: spec.destination, readOnly: spec.readOnly });
    if (!spec.noCopy && this.deps.copyUp) await this.deps.copyUp(containerId, spec.destination, directory);
    return directory;
  }

  usersOf(name: string): string[] {
    return containersUsing(this.deps.containers.all(), name);
  }

  /** After `rm -v` (or a `--rm` container's removal): its anonymous volumes that no other container uses. */
  async removeAnonymous(container: Container): Promise<void> {
    for (const mount of container.hostConfig.mounts ?? []) {
      if (mount.type !== 'volume' || mount.origin === 'volumes-from') continue;
      const volume = this.deps.volumes.all().find((candidate) => candidate.name === mount.name);
      if (!volume?.anonymous || this.usersOf(volume.name).some((id) => id !== container.id)) continue;
      await this.deps.volumes.remove(volume.name, true);
    }
  }
}

/** Before anything is made: what conet's volumes can't do is a 400 naming it. */
function checkVolumeMount(mount: MountSpec): void {
  if (mount.type !== 'volume') return;
  if (mount.driver !== '' && mount.driver !== 'local') {
    throw invalid('volume-driver', `the volume driver ${JSON.stringify(mount.driver.slice(0, 64))} of the volume at ${mount.destination.slice(0, 256)} is not supported by conet (only "local")`);
  }
  if (mount.name !== '') checkVolumeName(mount.name);
  if (mount.subpath !== '') throw invalid('unsupported-option', `conet does not support volume-subpath (at ${mount.destination.slice(0, 256)})`);
}

/** Ids of the containers (running or not) whose mounts name the volume: what keeps it from rm and prune. */
export function containersUsing(containers: readonly Container[], name: string): string[] {
  return containers.filter((container) => (container.hostConfig.mounts ?? []).some((mount) => mount.type === 'volume' && mount.name === name)).map((container) => container.id);
}
