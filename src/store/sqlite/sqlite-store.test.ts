/** SqliteStore against the Store contract, each test on a file in its own temp directory (removed afterwards). */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../store.js';
import { storeContract } from '../store.contract.js';
import { SqliteStore } from './sqlite-store.js';

let dir: string | undefined;
let open: Store | undefined;

storeContract('sqlite', {
  open: async () => {
    dir = mkdtempSync(join(tmpdir(), 'conet-test-store-'));
    open = new SqliteStore(join(dir, 'state', 'conet.db'));
    return open;
  },
  reopen: async (store) => {
    await store.close();
    open = new SqliteStore(join(dir!, 'state', 'conet.db'));
    return open;
  },
  cleanup: async () => {
    // A test that failed before close() leaves the database open; closing twice throws nothing.
    await open?.close();
    open = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  },
});
