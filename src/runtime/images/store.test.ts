import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageStore } from './store.js';

const digest = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const configOf = (diffIds: string[], created = '2020-01-01T00:00:00Z'): string =>
  JSON.stringify({ architecture: 'amd64', os: 'linux', created, config: { Cmd: ['sh'], Env: null, WorkingDir: '', Labels: null, User: '', Entrypoint: null }, rootfs: { type: 'layers', diff_ids: diffIds } });
const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

async function withStore(task: (store: ImageStore, root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'conet-store-'));
  try {
    const store = new ImageStore(root);
    await store.load();
    await task(store, root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** A layer made the way the service makes one: a tree under tmp/ adopted by the layer store. */
async function layer(store: ImageStore, name: string, bytes: number): Promise<string> {
  const diffId = digest(name);
  const tree = join(await store.layers.scratch(), 'tree');
  await mkdir(tree);
  await writeFile(join(tree, name), 'x'.repeat(bytes));
  await store.layers.adopt(tree, { diffId, size: bytes });
  return diffId;
}

test('two images on one base share its directory; rmi of one keeps it, rmi of both frees it', async () => {
  await withStore(async (store, root) => {
    const [base, web, db] = [await layer(store, 'base', 100), await layer(store, 'web', 10), await layer(store, 'db', 20)];
    const first = await store.add(configOf([base, web]), [base, web]);
    const second = await store.add(configOf([base, db]), [base, db]);
    assert.equal(store.layersOf(first.id)[0], store.layersOf(second.id)[0]);
    assert.equal((await readdir(join(root, 'layers'))).length, 3);
    assert.equal(first.size, 110);
    assert.equal(store.sharedSizeOf(first.id), 100);
    assert.equal(store.layersSize(), 130);
    assert.equal(await store.delete(first.id), 10);
    assert.ok(await exists(store.layers.pathOf(base)));
    assert.ok(!(await exists(store.layers.pathOf(web))));
    assert.equal(store.sharedSizeOf(second.id), 0);
    assert.equal(await store.delete(second.id), 120);
    assert.deepEqual(await readdir(join(root, 'layers')), []);
    assert.deepEqual(await readdir(join(root, 'layerdb')), []);
  });
});

test('a layer is produced once for concurrent callers, and a pinned layer survives a sweep', async () => {
  await withStore(async (store) => {
    const diffId = digest('shared');
    let produced = 0;
    const produce = async (tree: string) => {
      produced += 1;
      await writeFile(join(tree, 'f'), 'data');
      return { diffId, size: 4 };
    };
    const release = store.layers.pin([diffId]);
    await Promise.all([store.layers.ensure(diffId, produce), store.layers.ensure(diffId, produce)]);
    assert.equal(produced, 1);
    await store.layers.sweep(store.inUse());
    assert.ok(store.layers.has(diffId));
    release();
    await store.layers.sweep(store.inUse());
    assert.ok(!store.layers.has(diffId));
    assert.ok(!(await exists(store.layers.pathOf(diffId))));
  });
});

test('load removes what a crash left: staging, layers and blobs no image names, a layer json without its tree', async () => {
  await withStore(async (store, root) => {
    const base = await layer(store, 'base', 5);
    const kept = await store.add(configOf([base]), [base]);
    const orphan = await layer(store, 'orphan', 5);
    await writeFile(join(root, 'blobs', 'sha256', 'ab'.repeat(32)), 'blob');
    await writeFile(join(root, 'layerdb', `${'cd'.repeat(32)}.json`), JSON.stringify({ diffId: `sha256:${'cd'.repeat(32)}`, size: 1 }));
    await mkdir(join(root, 'tmp', 'half-image'), { recursive: true });
    await mkdir(join(root, 'ef'.repeat(32)));
    const reloaded = new ImageStore(root);
    await reloaded.load();
    assert.deepEqual(reloaded.list().map((image) => image.id), [kept.id]);
    assert.deepEqual(await readdir(join(root, 'layers')), [base.slice(7)]);
    assert.deepEqual(await readdir(join(root, 'layerdb')), [`${base.slice(7)}.json`]);
    assert.deepEqual(await readdir(join(root, 'blobs', 'sha256')), []);
    assert.deepEqual(await readdir(join(root, 'tmp')), []);
    assert.ok(!(await exists(store.layers.pathOf(orphan))));
  });
});

test('an older store is migrated at load: per-image layers/<n> and a flattened rootfs/ join the shared layers', async () => {
  const root = await mkdtemp(join(tmpdir(), 'conet-store-'));
  try {
    const [a, b] = [digest('a'), digest('b')];
    const layered = configOf([a, b]);
    const layeredDir = join(root, digest(layered).slice(7));
    for (const index of [0, 1]) await mkdir(join(layeredDir, 'layers', String(index)), { recursive: true });
    await writeFile(join(layeredDir, 'layers', '1', 'top'), 'top');
    await writeFile(join(layeredDir, 'config.json'), layered);
    const flat = configOf([a], '2021-01-01T00:00:00Z');
    const flatDir = join(root, digest(flat).slice(7));
    await mkdir(join(flatDir, 'rootfs'), { recursive: true });
    await writeFile(join(flatDir, 'config.json'), flat);
    await writeFile(join(root, 'repositories.json'), JSON.stringify({ 'old:1': digest(layered) }));
    const store = new ImageStore(root);
    await store.load();
    assert.deepEqual(store.layersOf(digest(layered)), [join(root, 'layers', a.slice(7)), join(root, 'layers', b.slice(7))]);
    assert.ok(await exists(join(root, 'layers', b.slice(7), 'top')));
    assert.equal(store.layersOf(digest(flat)).length, 1);
    assert.notEqual(store.layersOf(digest(flat))[0], join(root, 'layers', a.slice(7)));
    assert.ok(!(await exists(join(layeredDir, 'layers'))));
    assert.deepEqual(store.get('old:1').repoTags, ['old:1']);
    const again = new ImageStore(root);
    await again.load();
    assert.equal(again.list().length, 2);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('digest references: tag, find by either spelling, RepoDigests, untag', async () => {
  await withStore(async (store) => {
    const base = await layer(store, 'base', 1);
    const image = await store.add(configOf([base]), [base]);
    const manifest = digest('manifest');
    await store.tag(image.id, `docker.io/library/web@${manifest}`);
    assert.deepEqual(image.repoDigests, [`web@${manifest}`]);
    assert.equal(store.find(`web@${manifest}`)?.id, image.id);
    assert.equal(store.find(`docker.io/library/web:1@${manifest}`)?.id, image.id);
    assert.equal(store.find(`web@${digest('other')}`), undefined);
    await store.untag(`web@${manifest}`);
    assert.deepEqual(image.repoDigests, []);
  });
});

test('the layers of a stack repeat only once as overlay lower directories (the topmost copy)', async () => {
  await withStore(async (store) => {
    const [a, b] = [await layer(store, 'a', 1), await layer(store, 'b', 1)];
    const image = await store.add(configOf([a, b, a]), [a, b, a]);
    assert.deepEqual(store.layersOf(image.id), [store.layers.pathOf(b), store.layers.pathOf(a)]);
  });
});
