/**
 * Target 4: removing a container's network ≤ 15 ms, from conetd's `container exited` step timing
 * (network = unpublish + release), with the same teardown by the floor (`nft` element delete,
 * `ip link del`, `ip netns del`), the CNI plugins (DEL) and netavark (teardown), in one run.
 *   node dist/bench/network-teardown.js     (BENCH_N=30)
 */
import { entry, fmt, log, passFail, ratio, stats, table, writeResult } from './lib/common.js';
import { ConetBench } from './lib/conet-host.js';
import { conetCycles, pinAndCheck } from './lib/cycles.js';
import { runPeer, type PeerRun } from './lib/peers.js';

const N = Number(process.env['BENCH_N'] ?? 30);

/** Where the floor's teardown time goes: what dominates removing a network with CLI tools. */
function floorParts(peers: PeerRun[]): string {
  const floor = peers.find((p) => p.tool === 'floor' && p.available);
  if (!floor) return '';
  const nft = stats(floor.samples.map((x) => x.nftDel ?? NaN)).median;
  const linkDel = stats(floor.samples.map((x) => x.teardown - (x.netnsDel ?? 0))).median;
  const nsDel = stats(floor.samples.map((x) => x.netnsDel ?? NaN)).median;
  return `Floor parts (medians): \`nft\` element delete ${fmt(nft)} ms (a deleting \`nft\` process is slow to exit, reference/peers), \`ip link del\` of the veth ${fmt(linkDel)} ms (the kernel waits for RCU grace periods), \`ip netns del\` ${fmt(nsDel)} ms. conet uses both levers this shows: it drops only the namespace, and it deletes elements through a long-lived nft process (sub-millisecond) instead of starting one per change.`;
}
const TARGET_MS = 15;

entry(async () => {
  const startedAt = new Date();
  let conet: ConetBench | undefined;
  let cycles;
  try {
    log(`network-teardown: conet, ${N} × run -d -p + rm -f`);
    conet = await ConetBench.start();
    await pinAndCheck(conet, 32999);
    await conetCycles(conet, 2, 32990);
    cycles = await conetCycles(conet, N, 33000);
  } finally {
    await conet?.dispose();
  }
  const peers: PeerRun[] = [];
  for (const tool of ['floor', 'cni', 'netavark'] as const) {
    log(`network-teardown: ${tool}, ${N} containers`);
    peers.push(await runPeer(tool, N));
  }
  const down = stats(cycles.map((c) => c.exited?.['network'] ?? NaN).filter(Number.isFinite));
  const rm = stats(cycles.map((c) => c.rmMs));
  const rows: string[][] = [
    ['**conet** network step of `container exited` (unpublish + release)', fmt(down.median), fmt(down.p90), '1.00×', `≤ ${TARGET_MS} ms: ${passFail(down.median <= TARGET_MS)}`],
    ['conet: whole `docker rm -f` (CLI wall time, for scale)', fmt(rm.median), fmt(rm.p90), '', 'includes stopping the process'],
  ];
  const notes: string[] = [];
  for (const peer of peers) {
    if (!peer.available) {
      rows.push([peer.tool, 'n/a', 'n/a', 'n/a', peer.reason ?? '']);
      notes.push(`- ${peer.tool}: not measured: ${peer.reason}`);
      continue;
    }
    const s = stats(peer.samples.map((x) => x.teardown));
    if (peer.tool === 'floor') {
      const withNft = stats(peer.samples.map((x) => x.teardown + (x.nftDel ?? 0)));
      const nsOnly = stats(peer.samples.map((x) => x.netnsDel ?? NaN));
      rows.push(['floor: `ip link del` + `ip netns del`', fmt(s.median), fmt(s.p90), ratio(s.median, down.median), '']);
      rows.push(['floor + port: `nft` element delete + the above', fmt(withNft.median), fmt(withNft.p90), ratio(withNft.median, down.median), 'same end state as conet']);
      rows.push(['floor: `ip netns del` alone (after the veth is gone)', fmt(nsOnly.median), fmt(nsOnly.p90), '', '']);
    } else {
      const withNs = stats(peer.samples.map((x) => x.teardown + (x.netnsDel ?? 0)));
      const label = peer.tool === 'cni' ? 'CNI portmap + bridge DEL' : 'netavark teardown, bridge + 1 port';
      rows.push([label, fmt(s.median), fmt(s.p90), ratio(s.median, down.median), 'as the reference measured it']);
      rows.push([`${label} + \`ip netns del\``, fmt(withNs.median), fmt(withNs.p90), ratio(withNs.median, down.median), 'same end state as conet']);
    }
  }
  const markdown = [
    `## 4. Removing a container's network`,
    '',
    `Target: conet's \`container exited\` network step ≤ ${TARGET_MS} ms median (logged when \`docker rm -f\` kills the container). ${N} samples per tool, one container pinned on the bridge. Ratio = tool ÷ conet.`,
    '',
    table(['what (ms)', 'median', 'p90', 'ratio to conet', 'target / note'], rows),
    '',
    `Of conet's \`docker rm -f\` (median ${fmt(rm.median)} ms) the network teardown is ${fmt(down.median)} ms. The rest is killing the process, noticing its exit (conmon's exit file, watched with inotify), runc delete and the overlay unmount. conet's teardown deletes the container's namespace (the kernel reaps the veth pair with it) while a long-lived \`nft -i\` deletes the port elements, in parallel. Docker 20.10's whole \`rm -f\` is in table 2.`,
    floorParts(peers),
    ...notes,
  ].join('\n');
  await writeResult({ name: 'network-teardown', target: `network removal ≤ ${TARGET_MS} ms`, markdown, startedAt: startedAt.toISOString(), durationS: (Date.now() - startedAt.getTime()) / 1000, raw: { N, conet: cycles, peers } });
});
