/**
 * Issue 4: 100 user-defined networks with 2 containers each on one conetd.
 *  - The nft table (`nft list table inet conet`, lines) grows at most linearly with networks:
 *    lines at 1, 10, 50 and 100 networks and the per-network increment of each stretch.
 *  - A container start on the 100th network costs no more than on the 1st: the daemon's
 *    `network` step (netns, veth, addresses, routes; its share of our table is fixed per
 *    network) for starts on network 1 while it is the only one, and on network 100 with 99 others
 *    and 198 containers around. Then, with all 100 present, starts alternating between network 1
 *    and network 100 (the target: same state, only the network differs), and a control with 198
 *    containers on ONE network separates "how many networks" from "how many containers".
 *   node dist/bench/network-scale.js        (BENCH_NETWORKS=100 BENCH_EDGE=20)
 */
import { entry, fmt, log, passFail, ratio, stats, table, writeResult } from './lib/common.js';
import { ConetBench, type StepEvent } from './lib/conet-host.js';

const NETWORKS = Number(process.env['BENCH_NETWORKS'] ?? 100);
const EDGE = Number(process.env['BENCH_EDGE'] ?? 20);
const PER_NETWORK = 2;
const TARGET = 1.1;
const CHECKPOINTS = [1, 10, 50, 100].filter((n) => n <= NETWORKS);
const SLEEPER = ['busybox', 'sleep', '3600'];

interface Sample { network: number; runMs: number; steps?: Record<string, number> }

entry(async () => {
  const startedAt = new Date();
  let conet: ConetBench | undefined;
  const lines: Array<{ networks: number; lines: number }> = [];
  const placed: Sample[] = [];
  const firstAlone: Sample[] = [];
  const lastCrowded: Sample[] = [];
  const alternating: { first: Sample[]; last: Sample[] } = { first: [], last: [] };
  let running = 0;
  try {
    conet = await ConetBench.start();
    const bench = conet;
    const pending: StepEvent[] = [];
    const tableLines = async (): Promise<number> => {
      const listing = await bench.host.nft(['list', 'table', 'inet', 'conet']);
      if (listing.code !== 0) throw new Error(`nft list table: ${listing.stderr}`);
      return listing.stdout.split('\n').filter((line) => line.trim() !== '').length;
    };
    const start = async (network: number, into: Sample[], keep: boolean): Promise<void> => {
      const run = await bench.docker(['run', '-d', '--network', `scale${network}`, ...SLEEPER]);
      const event = await bench.waitEvent(run.stdout, 'container started', pending);
      into.push({ network, runMs: run.ms, ...(event ? { steps: event.steps } : {}) });
      if (!keep) await bench.docker(['rm', '-f', run.stdout]);
    };
    lines.push({ networks: 0, lines: await tableLines() });
    for (let network = 1; network <= NETWORKS; network++) {
      await bench.docker(['network', 'create', `scale${network}`]);
      if (network === 1) {
        log(`network-scale: ${EDGE} starts on network 1, the only user network`);
        for (let i = 0; i < EDGE; i++) await start(1, firstAlone, false);
      }
      if (network === NETWORKS) {
        log(`network-scale: ${EDGE} starts on network ${NETWORKS} with ${NETWORKS - 1} others and ${running} containers`);
        for (let i = 0; i < EDGE; i++) await start(network, lastCrowded, false);
      }
      for (let i = 0; i < PER_NETWORK; i++) await start(network, placed, true);
      running += PER_NETWORK;
      if (CHECKPOINTS.includes(network)) {
        const count = await tableLines();
        lines.push({ networks: network, lines: count });
        log(`network-scale: ${network} networks, ${running} containers: ${count} lines in table inet conet`);
      }
    }
    log(`network-scale: ${EDGE} alternating starts on network 1 and network ${NETWORKS}`);
    for (let i = 0; i < EDGE; i++) {
      await start(1, alternating.first, false);
      await start(NETWORKS, alternating.last, false);
    }
  } finally {
    await conet?.dispose();
  }
  // Control: the same number of containers on ONE network, to tell growth with the number of
  // networks from growth with the number of containers (namespaces, veths, mounts).
  let control: ConetBench | undefined;
  const controlAlone: Sample[] = [];
  const controlCrowded: Sample[] = [];
  try {
    control = await ConetBench.start();
    const bench = control;
    const pending: StepEvent[] = [];
    const start = async (into: Sample[], keep: boolean): Promise<void> => {
      const run = await bench.docker(['run', '-d', '--network', 'one', ...SLEEPER]);
      const event = await bench.waitEvent(run.stdout, 'container started', pending);
      into.push({ network: 1, runMs: run.ms, ...(event ? { steps: event.steps } : {}) });
      if (!keep) await bench.docker(['rm', '-f', run.stdout]);
    };
    await bench.docker(['network', 'create', 'one']);
    log(`network-scale control: ${EDGE} starts on one network alone, then ${NETWORKS * PER_NETWORK - PER_NETWORK} containers on it, ${EDGE} starts again`);
    for (let i = 0; i < EDGE; i++) await start(controlAlone, false);
    const kept: Sample[] = [];
    for (let i = 0; i < NETWORKS * PER_NETWORK - PER_NETWORK; i++) await start(kept, true);
    for (let i = 0; i < EDGE; i++) await start(controlCrowded, false);
  } finally {
    await control?.dispose();
  }

  const step = (xs: Sample[], name: string) => stats(xs.map((x) => x.steps?.[name] ?? NaN).filter(Number.isFinite));
  const first = step(firstAlone, 'network');
  const last = step(lastCrowded, 'network');
  const altFirst = step(alternating.first, 'network');
  const altLast = step(alternating.last, 'network');
  const runFirst = stats(firstAlone.map((x) => x.runMs));
  const runLast = stats(lastCrowded.map((x) => x.runMs));
  const placedFirst = step(placed.filter((x) => x.network === 1), 'network');
  const placedLast = step(placed.filter((x) => x.network === NETWORKS), 'network');
  const ctlAlone = step(controlAlone, 'network');
  const ctlCrowded = step(controlCrowded, 'network');
  // The target compares starts on network 1 and network N in one state (alternating, all N networks
  // present); growth from an empty host is reported beside it with its control.
  const targetOk = altLast.median / altFirst.median <= TARGET;

  const increments = lines.slice(2).map((point, index) => {
    const before = lines[index + 1]!;
    return { from: before.networks, to: point.networks, perNetwork: (point.lines - before.lines) / (point.networks - before.networks) };
  });
  const perNetwork = increments.map((x) => x.perNetwork);
  const linear = perNetwork.length > 0 && Math.max(...perNetwork) <= Math.min(...perNetwork) * 1.05 + 0.5;
  const overall = lines.length > 2 ? (lines[lines.length - 1]!.lines - lines[1]!.lines) / (lines[lines.length - 1]!.networks - lines[1]!.networks) : NaN;

  const reading = (): string => {
    const growth = last.median / first.median;
    const controlGrowth = ctlCrowded.median / ctlAlone.median;
    const same = `Reading: measured in the same state, a start on the ${NETWORKS}th network costs ${ratio(altLast.median, altFirst.median)} one on the 1st.`;
    const grow = `From an empty host to ${NETWORKS} networks with ${NETWORKS * PER_NETWORK - PER_NETWORK} containers the network step grows ${ratio(last.median, first.median)}; with the same number of containers on a single network it grows ${ratio(ctlCrowded.median, ctlAlone.median)}.`;
    // These two rows compare samples taken minutes apart, so machine load weighs on them.
    const why = growth <= TARGET
      ? ' No growth beyond noise.'
      : controlGrowth >= growth * 0.9
        ? ' So the growth comes with the number of containers (namespaces under /run/netns, veth ports, mounts that `ip netns add` and veth creation scale with), not with the number of networks.'
        : ' The control grows less, so part of the growth may come with the number of networks, or with machine load (these samples are minutes apart): not explained yet.';
    return `${same} ${grow}${why}`;
  };
  const lineRows = lines.map((point) => [String(point.networks), String(point.networks * PER_NETWORK), String(point.lines)]);
  const incrementRows = increments.map((x) => [`${x.from} → ${x.to}`, x.perNetwork.toFixed(2)]);
  const timeRows = [
    [`network step, alternating starts on network 1 / network ${NETWORKS}, all ${NETWORKS} networks and ${NETWORKS * PER_NETWORK} containers present (${EDGE} each)`, fmt(altFirst.median), fmt(altLast.median), ratio(altLast.median, altFirst.median), `≤ ${TARGET}×: ${passFail(targetOk)}`],
    [`network step: network 1 on an empty host vs network ${NETWORKS} with ${NETWORKS - 1} other networks and ${NETWORKS * PER_NETWORK - PER_NETWORK} containers (${EDGE} starts each)`, fmt(first.median), fmt(last.median), ratio(last.median, first.median), 'reported: growth with the host\'s state'],
    [`control: network step on ONE network, empty vs with ${NETWORKS * PER_NETWORK - PER_NETWORK} containers on it (${EDGE} starts each)`, fmt(ctlAlone.median), fmt(ctlCrowded.median), ratio(ctlCrowded.median, ctlAlone.median), 'reported: the same growth without more networks'],
    [`network step of the ${PER_NETWORK} kept containers (network 1 / network ${NETWORKS})`, fmt(placedFirst.median), fmt(placedLast.median), ratio(placedLast.median, placedFirst.median), 'reported'],
    [`whole \`docker run -d\` (CLI wall time), network 1 alone / network ${NETWORKS} crowded`, fmt(runFirst.median), fmt(runLast.median), ratio(runLast.median, runFirst.median), 'reported (more running containers weigh on the runtime step)'],
  ];
  const markdown = [
    `## Issue 4: ${NETWORKS} user-defined networks with ${PER_NETWORK} containers each`,
    '',
    `Target: our nft table grows at most linearly with networks (no rule per pair of networks: isolation is one \`bridges\` set lookup, dispatch is verdict maps), and a container start on the ${NETWORKS}th network costs ≤ ${TARGET}× one on the 1st (the daemon's \`network\` step). One conetd, networks with default options created one after the other, ${PER_NETWORK} \`busybox sleep\` containers kept on each.`,
    '',
    `Table size: ${passFail(linear)} (linear: every stretch adds the same lines per network; overall ${Number.isFinite(overall) ? overall.toFixed(2) : 'n/a'} lines per network).`,
    '',
    table(['user networks', 'containers', '`nft list table inet conet` lines'], lineRows),
    '',
    table(['stretch (networks)', 'lines per network added'], incrementRows),
    '',
    table(['what (ms, medians)', 'network 1', `network ${NETWORKS}`, `${NETWORKS} ÷ 1`, 'target'], timeRows),
    '',
    reading(),
    '',
    'Each network owns a fixed share of the table whatever the number of others: two or three chains (from, to, masquerade) of at most three rules each, and one element in the `bridges` set, the three verdict maps and the hairpin set. Containers add nothing to the table (only published ports add map elements). Starting a container touches nothing in our host table, so its network step cannot depend on how many networks exist; icc=false adds no rule per container either (its ports are isolated bridge ports).',
  ].join('\n');
  await writeResult({
    name: 'network-scale',
    target: `nft lines linear in networks; start on network ${NETWORKS} ≤ ${TARGET}× network 1`,
    markdown,
    startedAt: startedAt.toISOString(),
    durationS: (Date.now() - startedAt.getTime()) / 1000,
    raw: { NETWORKS, EDGE, PER_NETWORK, lines, increments, firstAlone, lastCrowded, alternating, placed, controlAlone, controlCrowded },
  });
  if (!linear || !targetOk) process.exitCode = 1;
});
