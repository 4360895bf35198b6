/**
 * Named volumes of the `local` driver: records in the store (kind `volume`), data under
 * `<data-root>/volumes/<name>/_data`. Create, list, inspect, remove and prune as Docker's volume
 * service does them; a volume named by any container (running or not) is in use and stays. Every
 * change runs through one serial queue, so a remove can't race a create or a container's claim.
 */
import { conflict, invalid, notFound } from '../../errors/index.js';
import { ANONYMOUS_LABEL, type Volume } from '../../model/volume.js';
import { del, put, type Store } from '../../store/index.js';
import { parseFilters } from '../../util/filters.js';
import { newId } from '../../util/ids.js';
import { SerialQueue } from '../../util/queue.js';
import type { EventSink } from '../events/event-bus.js';
import type { VolumeHost, VolumeUsers } from './dependencies.js';
import { decodeLocalOptions } from './local-options.js';
import { LIST_FILTERS, PRUNE_FILTERS, listFilter, pruneFilter } from './volume-filters.js';
import { checkVolumeName } from './volume-names.js';

export interface CreateVolumeRequest {
  name: string;
  driver: string;
  options: Record<string, string>;
  labels: Record<string, string>;
}

export interface VolumeServiceDeps {
  store: Store;
  host: VolumeHost;
  users: VolumeUsers;
  /** `docker events`: create, destroy and (at a container's start) mount. */
  bus?: EventSink;
}

/** Docker's CreatedAt: RFC 3339 at seconds precision. */
const createdAt = (now: Date = new Date()): string => now.toISOString().replace(/\.\d+Z$/, 'Z');

export class VolumeService {
  private readonly volumes = new Map<string, Volume>();
  private readonly queue = new SerialQueue();

  constructor(private readonly deps: VolumeServiceDeps) {}

  async load(): Promise<void> {
    for (const volume of await this.deps.store.list<Volume>('volume')) this.volumes.set(volume.name, volume);
  }

  all(): Volume[] {
    return [...this.volumes.values()];
  }

  mountpoint(name: string): string {
    return this.deps.host.mountpoint(name);
  }

  inspect(name: string): Volume {
    const volume = this.volumes.get(name);
    if (!volume) throw notFound('volume-not-found', `get ${name}: no such volume`);
    return volume;
  }

  list(rawFilters: string | null): Volume[] {
    const match = listFilter(parseFilters(rawFilters, LIST_FILTERS), (volume) => this.usersOf(volume.name).length > 0);
    return this.all().filter(match);
  }

  create(request: CreateVolumeRequest): Promise<Volume> {
    if (request.driver !== '' && request.driver !== 'local') {
      throw invalid('volume-driver', `create ${request.name}: the volume driver ${JSON.stringify(request.driver)} is not supported by conet (only "local")`);
    }
    const anonymous = request.name === '';
    const name = anonymous ? newId() : checkVolumeName(request.name);
    const backing = decodeLocalOptions(request.options);
    const labels = anonymous ? { ...request.labels, [ANONYMOUS_LABEL]: '' } : request.labels;
    return this.queue.run(async () => {
      const existing = this.volumes.get(name);
      if (existing) return existing;
      if (backing.kind === 'bind' && !(await this.deps.host.isDirectory(backing.device))) {
        throw invalid('volume-options', `create ${name}: failed to mount local volume: the device ${backing.device} is not a directory`);
      }
      const volume: Volume = { name, driver: 'local', createdAt: createdAt(), labels, options: request.options, backing, anonymous };
      await this.deps.host.prepare(name);
      try {
        await this.deps.store.commit([put('volume', name, volume)]);
      } catch (error) {
        await this.deps.host.remove(name);
        throw error;
      }
      this.volumes.set(name, volume);
      this.deps.bus?.emit('volume', 'create', { id: name, attributes: { driver: 'local' } });
      return volume;
    });
  }

  /** A container's `-v /path` or its image's VOLUME: a new volume with a random name and the anonymous label. */
  createAnonymous(): Promise<Volume> {
    return this.create({ name: '', driver: 'local', options: {}, labels: {} });
  }

  /** `docker volume rm [-f]`: in use is a 409 either way; -f makes a missing volume success. */
  remove(name: string, force = false): Promise<void> {
    return this.queue.run(async () => {
      if (!this.volumes.has(name)) {
        if (force) return;
        throw notFound('volume-not-found', `get ${name}: no such volume`);
      }
      const users = this.usersOf(name);
      if (users.length > 0) throw conflict('volume-in-use', `remove ${name}: volume is in use - [${users.join(', ')}]`);
      await this.drop(name);
    });
  }

  prune(rawFilters: string | null, apiVersion: string): Promise<{ removed: string[]; reclaimed: number }> {
    const match = pruneFilter(parseFilters(rawFilters, PRUNE_FILTERS), apiVersion);
    return this.queue.run(async () => {
      const removed: string[] = [];
      for (const volume of this.all()) {
        if (!match(volume) || this.usersOf(volume.name).length > 0) continue;
        await this.drop(volume.name);
        removed.push(volume.name);
      }
      return { removed, reclaimed: 0 };
    });
  }

  /** Before a container uses the volume: its backing mounted at its mountpoint (bind, tmpfs). */
  async claim(name: string, user?: { container: string; destination: string; readOnly: boolean }): Promise<string> {
    const volume = this.inspect(name);
    await this.deps.host.mount(name, volume.backing);
    if (user) {
      const attributes = { driver: 'local', container: user.container, destination: user.destination, 'read/write': String(!user.readOnly), propagation: '' };
      this.deps.bus?.emit('volume', 'mount', { id: name, attributes });
    }
    return this.mountpoint(name);
  }

  private usersOf(name: string): string[] {
    return this.deps.users.usersOf(name);
  }

  private async drop(name: string): Promise<void> {
    // The data first: a mount that won't go leaves the record, so the volume can be removed again.
    await this.deps.host.remove(name);
    await this.deps.store.commit([del('volume', name)]);
    this.volumes.delete(name);
    this.deps.bus?.emit('volume', 'destroy', { id: name, attributes: { driver: 'local' } });
  }
}
