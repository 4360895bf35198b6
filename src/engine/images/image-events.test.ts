import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { ImageRecord } from '../../model/image.js';
import { EventBus } from '../events/event-bus.js';
import type { ImageCatalog } from './catalog.js';
import { familiar, withImageEvents } from './image-events.js';

function catalogOf(records: ImageRecord[]): ImageCatalog {
  const find = (name: string) => records.find((record) => record.id === name || record.repoTags.includes(name.includes(':') ? name : `${name}:latest`));
  return {
    list: () => records,
    inspect: (name) => find(name) ?? assert.fail(`no ${name}`),
    layersOf: () => [],
    importTar: async () => assert.fail('not used'),
    load: async () => {
      records.push({ id: 'sha256:new', repoTags: ['loaded:1'] } as ImageRecord);
      return ['Loaded image: loaded:1'];
    },
    tag: async (name, repo, tag) => void find(name)?.repoTags.push(`${familiar(repo)}:${tag || 'latest'}`),
    remove: async (name) => [{ Untagged: name }, { Deleted: find(name)?.id ?? '' }],
    pull: async () => assert.fail('not used'),
    push: async () => assert.fail('not used'),
    save: () => assert.fail('not used'),
    login: async () => assert.fail('not used'),
    prune: async () => ({ deleted: [], reclaimed: 0 }),
  };
}

test('image events: tag (familiar name), untag and delete with the image id, load of new images only', async () => {
  const bus = new EventBus();
  const seen = bus.subscribe({ since: 0n });
  const images = withImageEvents(catalogOf([{ id: 'sha256:bb', repoTags: ['busybox:latest'] } as ImageRecord]), bus);
  await images.tag('busybox', 'docker.io/library/copy', '');
  await images.load(Readable.from([]));
  await images.remove('loaded:1');
  assert.deepEqual(seen.drain().map((event) => [event.action, event.actor.id, event.actor.attributes['name']]), [
    ['tag', 'sha256:bb', 'copy:latest'],
    ['load', 'sha256:new', 'loaded:1'],
    ['untag', 'sha256:new', 'loaded:1'],
    ['delete', 'sha256:new', 'sha256:new'],
  ]);
});
