import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeImage } from './image-remove.js';
import { ImageStore } from './store.js';

const digest = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

async function withImage(task: (store: ImageStore, id: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'conet-rmi-'));
  try {
    const store = new ImageStore(root);
    await store.load();
    const diffId = digest('layer');
    const tree = join(await store.layers.scratch(), 'tree');
    await mkdir(tree);
    await writeFile(join(tree, 'f'), 'twelve bytes');
    await store.layers.adopt(tree, { diffId, size: 12 });
    const image = await store.add(JSON.stringify({ architecture: 'amd64', os: 'linux', created: '', config: {}, rootfs: { type: 'layers', diff_ids: [diffId] } }), [diffId]);
    await task(store, image.id);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const manifest = digest('manifest');

test('rmi of the last tag of a repository takes its digest references and the image, freeing its layer', async () => {
  await withImage(async (store, id) => {
    await store.tag(id, 'web:1');
    await store.tag(id, `web@${manifest}`);
    const removed = await removeImage(store, undefined, 'docker.io/library/web:1', false);
    assert.deepEqual(removed.records, [{ Untagged: 'web:1' }, { Untagged: `web@${manifest}` }, { Deleted: id }]);
    assert.equal(removed.freed, 12);
    assert.equal(store.list().length, 0);
  });
});

test('rmi by digest removes that reference only while a tag remains; by id with one tag and its digest removes all', async () => {
  await withImage(async (store, id) => {
    await store.tag(id, 'web:1');
    await store.tag(id, `web@${manifest}`);
    assert.deepEqual((await removeImage(store, undefined, `web@${manifest}`, false)).records, [{ Untagged: `web@${manifest}` }]);
    assert.deepEqual(store.get('web:1').repoDigests, []);
    await store.tag(id, `web@${manifest}`);
    const byId = await removeImage(store, undefined, id.slice(7, 19), false);
    assert.deepEqual(byId.records.map((record) => Object.keys(record)[0]), ['Untagged', 'Untagged', 'Deleted']);
  });
});

test('rmi by id refuses two tags without force, and an image a container uses', async () => {
  await withImage(async (store, id) => {
    await store.tag(id, 'web:1');
    await store.tag(id, 'web:2');
    await assert.rejects(removeImage(store, undefined, id, false), /referenced in multiple repositories/);
    await assert.rejects(removeImage(store, 'c'.repeat(64), id, true), /being used by container cccccccccccc/);
    assert.deepEqual((await removeImage(store, 'c'.repeat(64), 'web:2', false)).records, [{ Untagged: 'web:2' }]);
    await assert.rejects(removeImage(store, 'c'.repeat(64), 'web:1', false), /must force/);
    assert.equal(store.list().length, 1);
  });
});
