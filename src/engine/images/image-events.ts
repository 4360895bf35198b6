/**
 * The image catalog with Docker's image events: pull, push, save, import, load, tag, untag and delete. Actor: the image id, with `name` the reference concerned.
 */
import type { Readable } from 'node:stream';
import type { DeleteRecord, ImageRecord, ImportRequest } from '../../model/image.js';
import type { PullEvent, PullRequest, PushEvent, PushRequest } from '../../model/registry.js';
import type { Writable } from 'node:stream';
import type { EventSink } from '../events/event-bus.js';
import type { ImageCatalog } from './catalog.js';

export function withImageEvents(catalog: ImageCatalog, bus: EventSink): ImageCatalog {
  const emit = (action: string, id: string, name: string): void => bus.emit('image', action, { id, attributes: { name } });
  return {
    list: (rawFilters) => catalog.list(rawFilters),
    inspect: (name) => catalog.inspect(name),
    layersOf: (imageId) => catalog.layersOf(imageId),
    login: (request) => catalog.login(request),
    async pull(request: PullRequest, progress: (event: PullEvent) => void, signal: AbortSignal): Promise<ImageRecord> {
      const record = await catalog.pull(request, progress, signal);
      // Docker's pull event: actor id and name are the reference pulled (`nginx:1.9.1`).
      const { reference } = request;
      const path = reference.domain === 'docker.io' ? reference.path : `${reference.domain}/${reference.path}`;
      const name = familiar(`docker.io/${path}${reference.tag !== undefined ? `:${reference.tag}` : ''}${reference.digest !== undefined ? `@${reference.digest}` : ''}`);
      bus.emit('image', 'pull', { id: name, attributes: { name } });
      return record;
    },
    push: (request, progress, signal) => pushWithEvent(catalog, bus, request, progress, signal),
    save: (names) => saveWithEvent(catalog, emit, names),
    async importTar(body: Readable, request: ImportRequest): Promise<ImageRecord> {
      const record = await catalog.importTar(body, request);
      emit('import', record.id, record.repoTags[0] ?? record.id);
      return record;
    },
    async load(body: Readable): Promise<string[]> {
      const before = new Map(catalog.list().map((record) => [record.id, record.repoTags.join(' ')]));
      const lines = await catalog.load(body);
      for (const record of catalog.list()) {
        if (before.get(record.id) !== record.repoTags.join(' ')) emit('load', record.id, record.repoTags[0] ?? record.id);
      }
      return lines;
    },
    async tag(name: string, repo: string, tag: string): Promise<void> {
      await catalog.tag(name, repo, tag);
      emit('tag', catalog.inspect(name).id, familiar(`${repo}:${tag || 'latest'}`));
    },
    async prune(rawFilters: string | null): Promise<{ deleted: DeleteRecord[]; reclaimed: number }> {
      const before = new Map(catalog.list().map((record) => [record.id, record]));
      const pruned = await catalog.prune(rawFilters);
      // An untag names its image by the reference; the image is the one that held it before.
      const owner = (reference: string): string => [...before.values()].find((record) => [...record.repoTags, ...record.repoDigests].includes(reference))?.id ?? '';
      for (const record of pruned.deleted) {
        if ('Untagged' in record) emit('untag', owner(record.Untagged), record.Untagged);
        else emit('delete', record.Deleted, record.Deleted);
      }
      bus.emit('image', 'prune', { id: '', attributes: { reclaimed: String(pruned.reclaimed) } });
      return pruned;
    },
    async remove(name: string, options?: { force?: boolean }): Promise<DeleteRecord[]> {
      const id = catalog.inspect(name).id;
      const records = await catalog.remove(name, options);
      for (const record of records) {
        if ('Untagged' in record) emit('untag', id, record.Untagged);
        else emit('delete', record.Deleted, record.Deleted);
      }
      return records;
    },
  };
}

async function pushWithEvent(catalog: ImageCatalog, bus: EventSink, request: PushRequest, progress: (event: PushEvent) => void, signal: AbortSignal): Promise<void> {
  await catalog.push(request, progress, signal);
  // Docker's push event: actor id and name are the reference pushed (`HOST:PORT/repo:tag`).
  const { reference } = request;
  const path = reference.domain === 'docker.io' ? reference.path : `${reference.domain}/${reference.path}`;
  const name = familiar(`docker.io/${path}${reference.tag !== undefined ? `:${reference.tag}` : ''}`);
  bus.emit('image', 'push', { id: name, attributes: { name } });
}

function saveWithEvent(catalog: ImageCatalog, emit: (action: string, id: string, name: string) => void, names: readonly string[]): (out: Writable) => Promise<void> {
  const write = catalog.save(names);
  return async (out) => {
    const ids = names.map((name) => {
      try {
        return catalog.inspect(name).id;
      } catch {
        // A repository named without a tag (all its tags saved) has no single image: no event.
        return undefined;
      }
    });
    await write(out);
    names.forEach((name, index) => ids[index] !== undefined && emit('save', ids[index]!, name));
  };
}

/** Docker's familiar form of a reference, as its events show it: "docker.io/library/x:1" -> "x:1". */
export function familiar(reference: string): string {
  return reference.replace(/^docker\.io\/(library\/)?/, '');
}
