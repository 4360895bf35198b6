/**
 * Target 1: the network part of a container start (bridge, one published port) ≤ 15 ms median,
 * from conetd's own step timings (network + ports), side by side in one run with the `ip -batch`
 * floor (+ one nft map element), the CNI bridge + portmap plugins and netavark.
 *   node dist/bench/network-setup.js        (BENCH_N=30 containers per tool)
 */
import { entry, fmt, log, passFail, ratio, stats, table, writeResult } from './lib/common.js';
import { ConetBench } from './lib/conet-host.js';
import { conetCycles, pinAndCheck } from './lib/cycles.js';
import { runPeer, type PeerRun } from './lib/peers.js';

const N = Number(process.env['BENCH_N'] ?? 30);
const TARGET_MS = 15;

entry(async () => {
  const startedAt = new Date();
  let conet: ConetBench | undefined;
  let cycles;
  let check = '';
  try {
    log(`network-setup: conet, ${N} × run -d -p + rm -f`);
    conet = await ConetBench.start();
    check = await pinAndCheck(conet, 30999);
    await conetCycles(conet, 2, 30990); // warm-up
    cycles = await conetCycles(conet, N, 31000);
  } finally {
    await conet?.dispose();
  }
  const peers: PeerRun[] = [];
  for (const tool of ['floor', 'cni', 'netavark'] as const) {
    log(`network-setup: ${tool}, ${N} containers`);
    peers.push(await runPeer(tool, N));
  }
  const net = stats(cycles.map((c) => (c.started?.['network'] ?? NaN) + (c.started?.['ports'] ?? NaN)).filter(Number.isFinite));
  const onlyNet = stats(cycles.map((c) => c.started?.['network'] ?? NaN).filter(Number.isFinite));
  const onlyPorts = stats(cycles.map((c) => c.started?.['ports'] ?? NaN).filter(Number.isFinite));
  const rows: string[][] = [
    ['**conet** network + ports (daemon step timings)', fmt(net.median), fmt(net.p90), '1.00×', `≤ ${TARGET_MS} ms: ${passFail(net.median <= TARGET_MS)}`],
    ['conet: network step alone (netns, veth, address, route)', fmt(onlyNet.median), fmt(onlyNet.p90), '', ''],
    ['conet: ports step alone (nft map element)', fmt(onlyPorts.median), fmt(onlyPorts.p90), '', ''],
  ];
  const notes: string[] = [];
  for (const peer of peers) {
    if (!peer.available) {
      rows.push([peer.tool, 'n/a', 'n/a', 'n/a', peer.reason ?? '']);
      notes.push(`- ${peer.tool}: not measured: ${peer.reason}`);
      continue;
    }
    const s = stats(peer.samples.map((x) => x.setup));
    const withNs = stats(peer.samples.map((x) => x.setup + (peer.tool === 'floor' ? x.nftAdd ?? 0 : x.netnsAdd ?? 0)));
    if (peer.tool === 'floor') {
      rows.push(['floor: `ip netns add` + 2 × `ip -batch` (no port)', fmt(s.median), fmt(s.p90), ratio(s.median, net.median), '3 processes']);
      rows.push(['floor + port: the above + one `nft -f` map element', fmt(withNs.median), fmt(withNs.p90), ratio(withNs.median, net.median), '4 processes: same end state as conet']);
    } else if (peer.tool === 'cni') {
      rows.push(['CNI bridge + host-local + portmap ADD (netns made before, untimed)', fmt(s.median), fmt(s.p90), ratio(s.median, net.median), 'as the reference measured it']);
      rows.push(['CNI … + `ip netns add`', fmt(withNs.median), fmt(withNs.p90), ratio(withNs.median, net.median), 'same end state as conet']);
    } else {
      rows.push(['netavark setup, bridge + 1 port (netns made before, untimed)', fmt(s.median), fmt(s.p90), ratio(s.median, net.median), 'as the reference measured it']);
      rows.push(['netavark … + `ip netns add`', fmt(withNs.median), fmt(withNs.p90), ratio(withNs.median, net.median), 'same end state as conet']);
    }
  }
  const markdown = [
    `## 1. Network part of a container start (bridge, one published port)`,
    '',
    `Target: conet's network + ports steps ≤ ${TARGET_MS} ms median. Steady state: one container stays on the bridge while ${N} others are started (and removed) one at a time; samples per tool: ${N}. Ratio = tool ÷ conet.`,
    '',
    table(['what (ms)', 'median', 'p90', 'ratio to conet', 'target / note'], rows),
    '',
    `conet's published port answered from the host namespace: \`${check}\`. The CNI and netavark samples are each plugin process timed from Node (spawn to exit), as a runtime calls them.`,
    ...(Math.abs(net.median - TARGET_MS) < 0.2 * TARGET_MS ? [`Close to the line: the median is within 20 % of the target and the p90 is ${fmt(net.p90)} ms, so on this shared 2-vCPU machine the verdict can flip between runs (a 5-sample trial run here gave 16.8 ms). The network step (netns, veth, address, route: ${fmt(onlyNet.median)} ms) is about two thirds; spawned \`ip\`/\`nft\` processes at 3–5 ms each are the cost (reference/peers: 1.3 ms for the same end state over raw netlink in one process).`] : []),
    ...notes,
  ].join('\n');
  await writeResult({ name: 'network-setup', target: `network + ports ≤ ${TARGET_MS} ms`, markdown, startedAt: startedAt.toISOString(), durationS: (Date.now() - startedAt.getTime()) / 1000, raw: { N, conet: cycles, peers } });
});
