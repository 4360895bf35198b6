/**
 * The Store contract, registered as node:test tests for any implementation (SQLite, memory): what
 * the engine relies on whichever store it is given. A batch is all-or-nothing, documents are
 * copies (JSON in, JSON out), kinds are separate, and a store that can be reopened keeps its data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { del, put, type Store } from './store.js';

export interface StoreHarness {
  /** A new, empty store. */
  open(): Promise<Store>;
  /** Closes the store and opens the same storage again (persistent stores only). */
  reopen?(store: Store): Promise<Store>;
  /** Removes whatever the harness made (temp directories); called once after each test. */
  cleanup?(): Promise<void>;
}

type Body = (store: Store, harness: StoreHarness) => Promise<void>;

function contractTest(name: string, label: string, harness: StoreHarness, body: Body): void {
  test(`${label} store contract: ${name}`, async () => {
    const store = await harness.open();
    try {
      await body(store, harness);
    } finally {
      await harness.cleanup?.();
    }
  });
}

/** A value JSON can't encode: the op that carries it fails. */
function unencodable(): unknown {
  const cyclic: Record<string, unknown> = { id: 'cyclic' };
  cyclic.self = cyclic;
  return cyclic;
}

export function storeContract(label: string, harness: StoreHarness): void {
  contractTest('get, list by kind and delete', label, harness, async (store) => {
    assert.equal(await store.get('network', 'n1'), undefined);
    assert.deepEqual(await store.list('network'), []);
    await store.commit([put('network', 'n1', { id: 'n1' }), put('network', 'n2', { id: 'n2' }), put('endpoint', 'n1', { id: 'e-n1' })]);
    assert.deepEqual(await store.get('network', 'n1'), { id: 'n1' });
    assert.deepEqual(await store.get('endpoint', 'n1'), { id: 'e-n1' }, 'the same id in another kind is another document');
    assert.deepEqual(await store.list('network'), [{ id: 'n1' }, { id: 'n2' }]);
    assert.deepEqual(await store.list('endpoint'), [{ id: 'e-n1' }]);
    assert.deepEqual(await store.list('container'), []);
    await store.commit([del('network', 'n1')]);
    assert.equal(await store.get('network', 'n1'), undefined);
    assert.deepEqual(await store.list('network'), [{ id: 'n2' }]);
    assert.deepEqual(await store.get('endpoint', 'n1'), { id: 'e-n1' }, 'a delete touches one kind');
    await store.commit([del('network', 'never-there')]);
    assert.deepEqual(await store.list('network'), [{ id: 'n2' }], 'deleting a missing id is no error');
    await store.close();
  });

  contractTest('put replaces a document in place; list keeps first-put order', label, harness, async (store) => {
    await store.commit([put('container', 'c', { v: 1 }), put('container', 'a', { v: 1 }), put('container', 'b', { v: 1 })]);
    await store.commit([put('container', 'a', { v: 2, extra: ['x'] })]);
    assert.deepEqual(await store.get('container', 'a'), { v: 2, extra: ['x'] }, 'the whole document is replaced');
    assert.deepEqual(await store.list('container'), [{ v: 1 }, { v: 2, extra: ['x'] }, { v: 1 }]);
    await store.close();
  });

  contractTest('ops of one batch apply in order', label, harness, async (store) => {
    await store.commit([put('meta', 'k', 1), del('meta', 'k')]);
    assert.equal(await store.get('meta', 'k'), undefined, 'put then delete: gone');
    await store.commit([put('meta', 'k', 1), del('meta', 'k'), put('meta', 'k', 3)]);
    assert.equal(await store.get('meta', 'k'), 3, 'the last op for an id wins');
    await store.commit([]);
    assert.equal(await store.get('meta', 'k'), 3, 'an empty batch changes nothing');
    await store.close();
  });

  contractTest('a batch with a failing op changes nothing', label, harness, async (store) => {
    await store.commit([put('network', 'keep', { id: 'keep', v: 1 }), put('network', 'drop', { id: 'drop' })]);
    const batch = [put('network', 'keep', { id: 'keep', v: 2 }), del('network', 'drop'), put('network', 'new', { id: 'new' })];
    await assert.rejects(store.commit([...batch, put('network', 'bad', unencodable())]));
    assert.deepEqual(await store.list('network'), [{ id: 'keep', v: 1 }, { id: 'drop' }]);
    // The failing op first or in the middle: the same.
    await assert.rejects(store.commit([put('network', 'bad', unencodable()), ...batch]));
    await assert.rejects(store.commit([batch[0]!, put('allocation', 'bad', unencodable()), batch[1]!]));
    assert.deepEqual(await store.list('network'), [{ id: 'keep', v: 1 }, { id: 'drop' }]);
    assert.deepEqual(await store.list('allocation'), []);
    // The store still works after a failed batch.
    await store.commit(batch);
    assert.deepEqual(await store.list('network'), [{ id: 'keep', v: 2 }, { id: 'new' }]);
    await store.close();
  });

  contractTest('a put of undefined (no JSON) is refused and changes nothing', label, harness, async (store) => {
    await assert.rejects(store.commit([put('meta', 'a', 1), put('meta', 'b', undefined)]));
    assert.equal(await store.get('meta', 'a'), undefined);
    assert.deepEqual(await store.list('meta'), []);
    await store.close();
  });

  contractTest('documents are copies: later changes to a put or read value do not reach the store', label, harness, async (store) => {
    const value = { id: 'n1', labels: { a: '1' }, when: new Date(0) };
    await store.commit([put('network', 'n1', value)]);
    value.labels.a = 'changed';
    const read = await store.get<{ labels: Record<string, string>; when: unknown }>('network', 'n1');
    assert.deepEqual(read, { id: 'n1', labels: { a: '1' }, when: '1970-01-01T00:00:00.000Z' }, 'stored as JSON');
    read!.labels.a = 'changed too';
    (await store.list<{ labels: Record<string, string> }>('network'))[0]!.labels.a = 'and again';
    assert.deepEqual((await store.get<{ labels: unknown }>('network', 'n1'))?.labels, { a: '1' });
    await store.close();
  });

  if (harness.reopen) {
    contractTest('reopened, the store has every committed document and none of a failed batch', label, harness, async (first, h) => {
      await first.commit([put('network', 'n1', { id: 'n1' }), put('network', 'n2', { id: 'n2' }), put('meta', 'version', 3)]);
      await first.commit([del('network', 'n1'), put('network', 'n3', { id: 'n3' })]);
      await assert.rejects(first.commit([put('network', 'n4', { id: 'n4' }), put('meta', 'bad', unencodable())]));
      const second = await h.reopen!(first);
      assert.deepEqual(await second.list('network'), [{ id: 'n2' }, { id: 'n3' }]);
      assert.equal(await second.get('meta', 'version'), 3);
      assert.equal(await second.get('network', 'n4'), undefined);
      await second.commit([put('network', 'n5', { id: 'n5' })]);
      const third = await h.reopen!(second);
      assert.deepEqual(await third.get('network', 'n5'), { id: 'n5' });
      await third.close();
    });
  }
}
