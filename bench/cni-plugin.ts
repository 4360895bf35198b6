/**
 * Issue 14: bin/conet-cni against the reference plugins (Debian containernetworking-plugins:
 * bridge + host-local + portmap, conflist order), in one run. ADD with one published port ≤ 0.3×
 * the reference's, DEL ≤ 0.2×, process start included, conetd running; GC over 100 stale
 * attachments reported. Every plugin is exec'd as a runtime execs it (env + stdin).
 *   node dist/bench/cni-plugin.js     (BENCH_N=30 BENCH_GC=100)
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { REPO, fmt, log, passFail, ratio, sh, shOk, stats, table, writeResult, entry } from './lib/common.js';
import { ConetBench } from './lib/conet-host.js';
import { runPeer } from './lib/peers.js';

const N = Number(process.env['BENCH_N'] ?? 30);
const GC_COUNT = Number(process.env['BENCH_GC'] ?? 100);
const PLUGIN = join(REPO, 'bin', 'conet-cni');
const CONFIG = { cniVersion: '1.0.0', name: 'benchnet', type: 'conet-cni', subnet: '10.91.0.0/16' };

async function plugin(socket: string, env: Record<string, string>, config: Record<string, unknown>): Promise<number> {
  const t0 = performance.now();
  const result = await sh([PLUGIN], { input: JSON.stringify(config), env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', CONET_HOST: `unix://${socket}`, ...env }, timeoutMs: 60_000 });
  const ms = performance.now() - t0;
  if (result.code !== 0) throw new Error(`conet-cni ${env['CNI_COMMAND']} exited ${result.code}: ${result.stdout.slice(0, 300)}`);
  return ms;
}

const callEnv = (command: string, id: string, ns: string): Record<string, string> => ({ CNI_COMMAND: command, CNI_CONTAINERID: id, CNI_NETNS: `/run/netns/${ns}`, CNI_IFNAME: 'eth0', CNI_PATH: '/usr/lib/cni' });

async function conetRounds(socket: string, namespaces: string[]): Promise<{ add: number[]; del: number[] }> {
  const add: number[] = [];
  const del: number[] = [];
  for (const [i, ns] of namespaces.entries()) {
    const withPort = { ...CONFIG, runtimeConfig: { portMappings: [{ hostPort: 20000 + i, containerPort: 80, protocol: 'tcp' }] } };
    add.push(await plugin(socket, callEnv('ADD', `b${i}`, ns), withPort));
    del.push(await plugin(socket, callEnv('DEL', `b${i}`, ns), withPort));
  }
  return { add, del };
}

async function gcRound(socket: string, namespaces: string[]): Promise<number> {
  for (const [i, ns] of namespaces.entries()) await plugin(socket, callEnv('ADD', `gc${i}`, ns), CONFIG);
  return plugin(socket, { CNI_COMMAND: 'GC', CNI_PATH: '/usr/lib/cni' }, { ...CONFIG, cniVersion: '1.1.0', 'cni.dev/valid-attachments': [] });
}

entry(async () => {
  const startedAt = new Date();
  const id = randomBytes(3).toString('hex');
  const namespaces = Array.from({ length: Math.max(N, GC_COUNT) }, (_, i) => `cbench-cni${id}-${i}`);
  let conet: ConetBench | undefined;
  let rounds: { add: number[]; del: number[] };
  let gcMs: number;
  try {
    for (const ns of namespaces) await shOk(['ip', 'netns', 'add', ns]);
    conet = await ConetBench.start();
    log(`cni-plugin: conet, ${N} × ADD + DEL with one port`);
    await conetRounds(conet.host.socket, namespaces.slice(0, 2));
    rounds = await conetRounds(conet.host.socket, namespaces.slice(0, N));
    log(`cni-plugin: conet, GC over ${GC_COUNT} stale attachments`);
    gcMs = await gcRound(conet.host.socket, namespaces.slice(0, GC_COUNT));
  } finally {
    await conet?.host.dispose();
    for (const ns of namespaces) await sh(['ip', 'netns', 'del', ns]);
  }
  log(`cni-plugin: reference bridge + host-local + portmap, ${N} containers`);
  const reference = await runPeer('cni', N);
  const add = stats(rounds.add);
  const del = stats(rounds.del);
  const rows: string[][] = [
    ['**conet-cni** ADD, one port (forwarder → conetd)', fmt(add.median), fmt(add.p90), '', ''],
    ['**conet-cni** DEL', fmt(del.median), fmt(del.p90), '', ''],
  ];
  let verdict = '';
  if (reference.available) {
    const refAdd = stats(reference.samples.map((x) => x.setup));
    const refDel = stats(reference.samples.map((x) => x.teardown));
    rows.push(['reference ADD: bridge (host-local) + portmap', fmt(refAdd.median), fmt(refAdd.p90), ratio(add.median, refAdd.median), `≤ 0.3×: ${passFail(add.median <= 0.3 * refAdd.median)}`]);
    rows.push(['reference DEL: portmap + bridge', fmt(refDel.median), fmt(refDel.p90), ratio(del.median, refDel.median), `≤ 0.2×: ${passFail(del.median <= 0.2 * refDel.median)}`]);
  } else {
    verdict = `Reference not measured: ${reference.reason}`;
  }
  rows.push([`conet-cni GC over ${GC_COUNT} stale attachments (one call)`, fmt(gcMs), '', '', 'reported']);
  rows.push(['conet-cni standalone ADD (no daemon)', 'n/a', 'n/a', '', 'not measured: the standalone engine is not built yet (docs/cni.md)']);
  const markdown = [
    '## CNI plugin (issue 14)',
    '',
    `bin/conet-cni exec'd as a runtime does (env + stdin, process start included) while conetd runs, against the reference plugins in the same run. ${N} samples each. Ratio = conet ÷ reference.`,
    '',
    table(['what (ms)', 'median', 'p90', 'conet ÷ reference', 'target'], rows),
    '',
    verdict,
  ].join('\n');
  await writeResult({ name: 'cni-plugin', target: 'ADD ≤ 0.3×, DEL ≤ 0.2× the reference CNI plugins', markdown, startedAt: startedAt.toISOString(), durationS: (Date.now() - startedAt.getTime()) / 1000, raw: { N, GC_COUNT, rounds, gcMs, reference } });
});
