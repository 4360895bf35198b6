/** NftSession against the real nft: transactions, errors, and a table rebuilt under it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NftSession } from '../../src/kernel/linux/nft-session.js';
import { execIn, NetnsSandbox } from '../helpers/netns.js';

const MAP = 'map m { type inet_proto . inet_service : ipv4_addr . inet_service; };';

test('one long-lived nft: atomic calls, errors reported, survives an outside rebuild', async () => {
  const namespaces = new NetnsSandbox('conet-t-nfts');
  const session = (ns: { path: string }) => new NftSession({ netns: ns.path });
  let live: NftSession | undefined;
  try {
    const ns = await namespaces.create('host');
    await execIn(ns, ['nft', `table inet conet { ${MAP} }`]);
    live = session(ns);
    const list = async () => (await execIn(ns, ['nft', 'list', 'map', 'inet', 'conet', 'm'])).stdout;
    await live.run('add element inet conet m { tcp . 8000 : 172.17.0.2 . 80 }');
    assert.match(await list(), /tcp \. 8000 : 172\.17\.0\.2 \. 80/);
    // All or nothing: the second command fails, so the first is not applied either.
    await assert.rejects(
      live.run('add element inet conet m { tcp . 8001 : 172.17.0.3 . 80 }\nadd element inet conet m { tcp . 8000 : 172.17.0.9 . 80 }'),
      /File exists/,
    );
    assert.doesNotMatch(await list(), /8001/);
    await assert.rejects(live.run('delete element inet conet nosuchmap { tcp . 1 }'), /nft:/);
    // The table replaced by another process: the session sees the new one.
    await execIn(ns, ['nft', `add table inet conet; delete table inet conet; table inet conet { ${MAP} }`]);
    await live.run('add element inet conet m { tcp . 9000 : 172.17.0.4 . 80 }');
    await live.run('add element inet conet m { tcp . 9000 : 172.17.0.4 . 80 }\ndelete element inet conet m { tcp . 9000 }');
    assert.doesNotMatch(await list(), /9000|8000/);
    // Concurrent callers are serialised, each with its own answer.
    await Promise.all(Array.from({ length: 20 }, (_, index) => live!.run(`add element inet conet m { tcp . ${10000 + index} : 172.17.0.5 . 80 }`)));
    assert.equal((await list()).match(/: 172\.17\.0\.5 \. 80/g)?.length, 20);
  } finally {
    live?.close();
    await namespaces.cleanup();
  }
});
