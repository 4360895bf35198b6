/**
 * Issue 5: throughput between two hosts over the overlay, side by side in one run, with iperf3
 * (TCP, median of BENCH_RUNS × BENCH_SECONDS s, rows interleaved round by round), plus one UDP run
 * at a fixed rate (loss) and 200 pings (RTT) per row:
 *   1. floor: the underlay itself (two host namespaces on a "LAN" bridge namespace, veths, MTU 1500)
 *   2. raw VXLAN by hand with `ip`/`bridge`: what conet's overlay driver programs (bridge + vxlan
 *      `nolearning proxy`, dstport 4789, static FDB + neighbour entries, MTU 1450)
 *   3. raw routed by hand: a /24 slice per host on a bridge, `ip route add SLICE via HOST`
 *   2b./3b. rows 2 and 3 again on a second host pair with conet-like conntrack/NAT hooks in nft
 *   4. Docker 20.10's overlay without Swarm (deprecated --cluster-store mode, etcd v2 API), two dockerds
 *   5. conet overlay (vxlan) and 6. conet overlay (host-gw): conetd in cluster mode on each of two
 *      hosts and a real etcd (test/helpers/cluster.ts)
 *   Rows 4–6 are reported "not available: <reason>" when they can't be set up; rows 1–3 always run.
 *   node dist/bench/overlay-throughput.js     BENCH_RUNS=5 BENCH_SECONDS=3 BENCH_CONET=1 BENCH_DOCKER=1 BENCH_CT=1 BENCH_UDP_RATE=1G
 * Everything lives in namespaces made here (conet-b-…; the harness's conet-t-…), removed in finally.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startProcess } from '../src/exec/index.js';
import { DockerBench, dockerAvailable } from './lib/docker-host.js';
import { type ProcessHandle } from '../src/exec/index.js';
import { addVethPair, ipBatch, NetnsSandbox, setSysctl, type Netns } from '../test/helpers/netns.js';
import { entry, log, REPO, round, sh, shOk, stats, table, writeResult } from './lib/common.js';
import { assertReachable, linkMtu, pingRun, startIperfServer, tcpRun, udpRun, type RttSample, type TcpSample, type UdpSample } from './lib/iperf.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const WITH_CONET = process.env['BENCH_CONET'] !== '0';
const WITH_DOCKER = process.env['BENCH_DOCKER'] !== '0';
const LAN_ETCD = '192.168.210.254';
const DOCKER_UNDERLAY = ['192.168.210.11', '192.168.210.12'] as const;
const UDP_RATE = process.env['BENCH_UDP_RATE'] ?? '1G';
const UDP_LEN = 1400; // fits MTU 1450 − 28 (IP + UDP headers): no fragmentation on any row
const PINGS = 200;

const VNI = 4242;
const VXLAN_PORT = 4789;
const VXLAN_MTU = 1450; // 1500 − 50: outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14
const WITH_CT = process.env['BENCH_CT'] !== '0';

/**
 * What conet's embedded DNS puts in every container namespace (Docker does the same with iptables):
 * NAT hooks that send 127.0.0.11:53 to the resolver. Registered NAT hooks mean conntrack for every
 * packet of the container, at both ends of the transfer.
 */
const CONTAINER_CT_RULESET = `table ip conet-bench-dns {
  chain output { type nat hook output priority -100; policy accept; ip daddr 127.0.0.11 udp dport 53 dnat to 127.0.0.1:5353; }
  chain postrouting { type nat hook postrouting priority srcnat; policy accept; oifname != "lo" ip saddr 127.0.0.0/8 masquerade; }
}
`;

/** Addresses of hand-made host pair `p` (0: rows 1–3; 1: the same with conntrack/NAT hooks). */
function pairPlan(p: number) {
  const two = <T>(f: (i: 0 | 1) => T): readonly [T, T] => [f(0), f(1)];
  return {
    underlay: two((i) => `192.168.210.${2 * p + i + 1}`),
    vni: VNI + p,
    ovAddr: two((i) => `10.123.${p}.${i + 2}`),
    ovMac: two((i) => `02:42:0a:7b:0${p}:0${i + 2}`),
    rtSlice: two((i) => `10.124.${2 * p + i + 1}.0/24`),
    rtGw: two((i) => `10.124.${2 * p + i + 1}.1`),
    rtAddr: two((i) => `10.124.${2 * p + i + 1}.2`),
    /** Fixed MACs so every neighbour entry can be static (see buildPair). */
    hostMac: two((i) => `02:b0:00:0${p}:0${i}:01`),
    brRtMac: two((i) => `02:b0:00:0${p}:0${i}:02`),
    rtMac: two((i) => `02:b0:00:0${p}:0${i}:03`),
  };
}
const PLAN = pairPlan(0);
const UNDERLAY = PLAN.underlay;
const RT_SLICE = PLAN.rtSlice;

/**
 * What conet's firewall puts in every host namespace, reduced to what costs per packet: a NAT
 * postrouting hook with an outbound masquerade rule (conntrack on every packet, the VXLAN UDP
 * and, through br_netfilter, the bridged inner packets too) and a forward-hook accept of
 * established flows.
 */
const CT_RULESET = `table inet conet-bench {
  chain forward { type filter hook forward priority filter; policy accept; ct state established,related accept; }
  chain postrouting { type nat hook postrouting priority srcnat; policy accept; oifname "eth0" ip saddr 10.123.0.0/16 ip daddr != 10.123.0.0/16 masquerade; oifname "eth0" ip saddr 10.124.0.0/16 ip daddr != 10.124.0.0/16 masquerade; }
  chain prerouting { type nat hook prerouting priority dstnat; policy accept; }
}
`;

type RowKey = 'floor' | 'raw-vxlan' | 'raw-routed' | 'raw-vxlan-ct' | 'raw-routed-ct' | 'docker-overlay' | 'conet-vxlan' | 'conet-host-gw';

interface Row {
  key: RowKey;
  label: string;
  /** Namespace files: client (host/container 1 side) and server (2 side). */
  clientNs?: string;
  serverNs?: string;
  serverAddr?: string;
  mtu?: number;
  available: boolean;
  reason?: string;
  server?: ProcessHandle;
  tcp: TcpSample[];
  udp?: UdpSample;
  rtt?: RttSample;
  errors: string[];
}

const newRow = (key: RowKey, label: string): Row => ({ key, label, available: false, tcp: [], errors: [] });
const msg = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);

// ---------------------------------------------------------------------------------------------
// Rows 1–3: the hand-made two-host topology.

interface RawPair {
  hosts: Netns[];
  ovContainers: Netns[];
  rtContainers: Netns[];
}

/** The "LAN": one bridge, in its own namespace. */
async function buildLan(sandbox: NetnsSandbox): Promise<Netns> {
  const lan = await sandbox.create('lan');
  await ipBatch(lan, ['link add br0 type bridge', 'link set br0 up']);
  return lan;
}

/**
 * Two hosts on the LAN with a VXLAN network and a routed network between them (pair `p`).
 * Every neighbour entry here is static (nud permanent): the kernel's ARP table is one table for all
 * namespaces of the machine (gc_thresh3, 1024 by default, counts dynamic entries of every
 * namespace), and on a machine where many test namespaces run at once it overflows ("neighbor
 * table overflow"), which makes new dynamic entries fail for a while. Static entries don't count
 * and change nothing on the data path.
 */
async function buildPair(sandbox: NetnsSandbox, lan: Netns, p: number, conntrack: boolean): Promise<RawPair> {
  const plan = pairPlan(p);
  const hosts: Netns[] = [];
  for (const i of [0, 1] as const) {
    const n = 2 * p + i + 1;
    const host = await sandbox.create(`h${n}`);
    hosts.push(host);
    await addVethPair(host, 'eth0', { ns: lan, name: `h${n}` });
    await ipBatch(lan, [`link set h${n} mtu 1500 master br0 up`]);
    await ipBatch(host, [`link set eth0 address ${plan.hostMac[i]} mtu 1500 up`, `addr add ${plan.underlay[i]}/24 dev eth0`, `neigh replace ${plan.underlay[(1 - i) as 0 | 1]} lladdr ${plan.hostMac[(1 - i) as 0 | 1]} dev eth0 nud permanent`]);
    if (conntrack) await shOk(['ip', 'netns', 'exec', host.name, 'nft', '-f', '-'], { input: CT_RULESET });
  }
  // 2. VXLAN, as conet's OverlayPort.ensureVxlan/setPeers programs it: a bridge per network, a
  //    vxlan device on it (nolearning proxy, local = advertise address, no multicast group, no
  //    flooding), permanent FDB (MAC → remote VTEP) and neighbour (IP → MAC) entries per peer.
  const ovContainers: Netns[] = [];
  for (const i of [0, 1] as const) {
    const host = hosts[i]!;
    const other = (1 - i) as 0 | 1;
    const c = await sandbox.create(`ov${2 * p + i + 1}`);
    ovContainers.push(c);
    await ipBatch(host, [
      'link add br-ov type bridge',
      `link set br-ov mtu ${VXLAN_MTU} up`,
      `link add vx-ov mtu ${VXLAN_MTU} type vxlan id ${plan.vni} local ${plan.underlay[i]} dstport ${VXLAN_PORT} nolearning proxy`,
      'link set vx-ov master br-ov up',
    ]);
    await addVethPair(host, 've-ov', { ns: c, name: 'eth0' });
    await ipBatch(host, [`link set ve-ov mtu ${VXLAN_MTU} master br-ov up`, `neigh add ${plan.ovAddr[other]} lladdr ${plan.ovMac[other]} dev vx-ov nud permanent`]);
    await shOk(['bridge', '-n', host.name, 'fdb', 'add', plan.ovMac[other], 'dev', 'vx-ov', 'dst', plan.underlay[other], 'self', 'permanent']);
    await ipBatch(c, [`link set eth0 address ${plan.ovMac[i]} mtu ${VXLAN_MTU} up`, `addr add ${plan.ovAddr[i]}/24 dev eth0`, `neigh replace ${plan.ovAddr[other]} lladdr ${plan.ovMac[other]} dev eth0 nud permanent`]);
    if (conntrack) await shOk(['ip', 'netns', 'exec', c.name, 'nft', '-f', '-'], { input: CONTAINER_CT_RULESET });
  }
  // 3. Routed (host-gw): each host a bridge with its /24 slice, the other slice via the other host.
  const rtContainers: Netns[] = [];
  for (const i of [0, 1] as const) {
    const host = hosts[i]!;
    const other = (1 - i) as 0 | 1;
    const c = await sandbox.create(`rt${2 * p + i + 1}`);
    rtContainers.push(c);
    await setSysctl(host, 'net.ipv4.ip_forward', '1');
    await ipBatch(host, ['link add br-rt type bridge', `link set br-rt address ${plan.brRtMac[i]}`, `addr add ${plan.rtGw[i]}/24 dev br-rt`, 'link set br-rt up']);
    await addVethPair(host, 've-rt', { ns: c, name: 'eth0' });
    await ipBatch(host, ['link set ve-rt mtu 1500 master br-rt up', `route add ${plan.rtSlice[other]} via ${plan.underlay[other]} dev eth0`, `neigh replace ${plan.rtAddr[i]} lladdr ${plan.rtMac[i]} dev br-rt nud permanent`]);
    await ipBatch(c, [`link set eth0 address ${plan.rtMac[i]} mtu 1500 up`, `addr add ${plan.rtAddr[i]}/24 dev eth0`, `route add default via ${plan.rtGw[i]}`, `neigh replace ${plan.rtGw[i]} lladdr ${plan.brRtMac[i]} dev eth0 nud permanent`]);
    if (conntrack) await shOk(['ip', 'netns', 'exec', c.name, 'nft', '-f', '-'], { input: CONTAINER_CT_RULESET });
  }
  return { hosts, ovContainers, rtContainers };
}

// ---------------------------------------------------------------------------------------------
// Row 6: Docker 20.10's own overlay without Swarm: the deprecated "external key-value store" mode
// (--cluster-store etcd://…, libkv's etcd v2 client), two dockerds (each in its own namespace,
// bench/lib/docker-host.ts) on the same LAN bridge, etcd with the v2 API in the LAN namespace.

interface DockerOverlay {
  etcd?: ProcessHandle;
  etcdDir: string;
  daemons: DockerBench[];
}

async function startDockerOverlay(row: Row, lan: Netns, state: DockerOverlay): Promise<void> {
  if (!dockerAvailable()) throw new Error('docker.io (dockerd, containerd) not installed');
  await ipBatch(lan, [`addr add ${LAN_ETCD}/24 dev br0`]);
  await mkdir(state.etcdDir, { recursive: true, mode: 0o700 });
  const url = `http://${LAN_ETCD}:2379`;
  state.etcd = startProcess(['nsenter', `--net=${lan.path}`, '--', 'etcd', '--name', 'bench', '--data-dir', join(state.etcdDir, 'data'),
    '--enable-v2=true', '--listen-client-urls', url, '--advertise-client-urls', url,
    '--listen-peer-urls', 'http://127.0.0.1:2380', '--initial-advertise-peer-urls', 'http://127.0.0.1:2380',
    '--initial-cluster', 'bench=http://127.0.0.1:2380', '--log-level', 'warn'], { logFile: join(state.etcdDir, 'etcd.log') });
  const deadline = Date.now() + 20_000;
  while ((await sh(['nsenter', `--net=${lan.path}`, '--', 'curl', '-fsS', '--max-time', '2', `${url}/v2/keys/`], { timeoutMs: 5_000 })).code !== 0) {
    if (Date.now() > deadline) throw new Error('etcd (v2 API) did not answer within 20 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const i of [0, 1] as const) {
    state.daemons.push(await DockerBench.start({
      hostname: `conet-bench-docker${i + 1}`,
      daemonArgs: ['--cluster-store', `etcd://${LAN_ETCD}:2379`, '--cluster-advertise', `${DOCKER_UNDERLAY[i]}:2376`, '--cluster-store-opt', 'discovery.heartbeat=2', '--cluster-store-opt', 'discovery.ttl=6'],
      beforeStart: async (netns) => {
        await addVethPair(lan, `d${i + 1}`, { ns: netns, name: 'eth0' });
        await ipBatch(lan, [`link set d${i + 1} mtu 1500 master br0 up`]);
        await ipBatch(netns, ['link set eth0 mtu 1500 up', `addr add ${DOCKER_UNDERLAY[i]}/24 dev eth0`]);
      },
    }));
  }
  const [d1, d2] = state.daemons as [DockerBench, DockerBench];
  await d1.docker(['network', 'create', '-d', 'overlay', '--subnet', '10.125.0.0/24', 'ovd']);
  const pids: string[] = [];
  for (const [d, name] of [[d1, 'ovd-s'], [d2, 'ovd-c']] as const) {
    await d.docker(['run', '-d', '--name', name, '--network', 'ovd', 'busybox', 'sleep', '3600']);
    pids.push((await d.docker(['inspect', '-f', '{{.State.Pid}}', name])).stdout);
  }
  const networks = JSON.parse((await d1.docker(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'ovd-s'])).stdout) as Record<string, { IPAddress?: string }>;
  const address = networks['ovd']?.IPAddress;
  if (!address) throw new Error(`Docker's ovd-s has no address on ovd: ${JSON.stringify(networks)}`);
  // The containers' namespaces by PID: dockerd's /var/run/docker/netns bind mounts live in its own mount namespace.
  row.serverNs = `/proc/${pids[0]}/ns/net`;
  row.clientNs = `/proc/${pids[1]}/ns/net`;
  row.serverAddr = address;
  row.mtu = await linkMtu(row.clientNs);
  // Peers find each other through the store's node list (heartbeat above) and serf: give it time.
  try {
    await assertReachable(row.clientNs, address, 45_000);
  } catch (error) {
    for (const d of state.daemons) {
      const lines = (await readFile(d.logFile, 'utf8').catch(() => '')).split('\n').filter((l) => /level=(error|warn)|serf|overlay|discovery/i.test(l));
      log(`docker ${d.netns} log:\n${lines.slice(-15).join('\n')}`);
    }
    throw error;
  }
}

async function stopDockerOverlay(state: DockerOverlay): Promise<void> {
  for (const d of state.daemons) await d.dispose().catch((error: unknown) => log(`docker cleanup: ${msg(error)}`));
  await state.etcd?.stop(5_000);
  await rm(state.etcdDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Rows 4–5: conetd in cluster mode (test/helpers/cluster.ts, being written alongside the driver).

interface ClusterHostLike {
  docker(args: readonly string[], options?: { timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }>;
  daemonShortId: string;
}
interface ClusterLike {
  hosts: ClusterHostLike[];
  dispose(): Promise<void>;
}

async function dockerOk(host: ClusterHostLike, args: readonly string[], timeoutMs = 60_000): Promise<string> {
  const result = await host.docker(args, { timeoutMs });
  if (result.code !== 0) throw new Error(`docker ${args.join(' ')}: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout.trim();
}

/** Retries while the other node may not have seen the network yet (watch latency). */
async function dockerOkRetry(host: ClusterHostLike, args: readonly string[], seconds = 15): Promise<string> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      return await dockerOk(host, args);
    } catch (error) {
      if (Date.now() > deadline || !/not found|No such network/i.test(msg(error))) throw error;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

async function startCluster(): Promise<ClusterLike> {
  const spec = new URL('../test/helpers/cluster.js', import.meta.url).href;
  let mod: { TestCluster?: { create(options: { hosts: number; logLevel?: string }): Promise<ClusterLike> } };
  try {
    mod = (await import(spec)) as typeof mod;
  } catch (error) {
    throw new Error(`cluster harness test/helpers/cluster.ts not available (${msg(error)})`);
  }
  if (!mod.TestCluster) throw new Error('test/helpers/cluster.ts exports no TestCluster');
  return mod.TestCluster.create({ hosts: 2, logLevel: 'info' });
}

/** Network `net` on host 1 (create args), container s on host 1 and c on host 2, their namespaces. */
async function conetRow(row: Row, cluster: ClusterLike, net: string, createArgs: readonly string[]): Promise<void> {
  const [h1, h2] = cluster.hosts as [ClusterHostLike, ClusterHostLike];
  await dockerOk(h1, ['network', 'create', ...createArgs, net]);
  const ids: string[] = [];
  for (const [host, name] of [[h1, `s-${net}`], [h2, `c-${net}`]] as const) {
    const id = await dockerOkRetry(host, ['run', '-d', '--name', name, '--network', net, 'busybox', 'sleep', '3600']);
    ids.push(id.split('\n').pop()!.trim());
  }
  const nsOf = (host: ClusterHostLike, id: string) => `/run/netns/conet-${host.daemonShortId}-${id.slice(0, 12)}`;
  const serverNs = nsOf(h1, ids[0]!);
  const clientNs = nsOf(h2, ids[1]!);
  const networks = JSON.parse(await dockerOk(h1, ['inspect', '-f', '{{json .NetworkSettings.Networks}}', `s-${net}`])) as Record<string, { IPAddress?: string }>;
  const address = networks[net]?.IPAddress;
  if (!address) throw new Error(`s-${net} has no address on ${net}: ${JSON.stringify(networks)}`);
  for (const ns of [serverNs, clientNs]) {
    if ((await sh(['test', '-e', ns])).code !== 0) throw new Error(`container namespace ${ns} not found`);
  }
  row.serverNs = serverNs;
  row.clientNs = clientNs;
  row.serverAddr = address;
  row.mtu = await linkMtu(clientNs);
}

async function removeConet(cluster: ClusterLike, nets: readonly string[]): Promise<void> {
  const [h1, h2] = cluster.hosts as [ClusterHostLike, ClusterHostLike];
  for (const net of nets) {
    await h2.docker(['rm', '-f', `c-${net}`], { timeoutMs: 60_000 }).catch(() => undefined);
    await h1.docker(['rm', '-f', `s-${net}`], { timeoutMs: 60_000 }).catch(() => undefined);
    await h1.docker(['network', 'rm', net], { timeoutMs: 30_000 }).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------

async function measure(rows: Row[]): Promise<void> {
  const live = () => rows.filter((r) => r.available);
  for (const row of live()) {
    try {
      const attempts = await assertReachable(row.clientNs!, row.serverAddr!, 30_000);
      if (attempts > 1) {
        row.errors.push(`answered ping only at attempt ${attempts}`);
        log(`overlay-throughput: ${row.key}: ${row.serverAddr} answered only at attempt ${attempts}`);
      }
      row.server = await startIperfServer(row.serverNs!);
    } catch (error) {
      row.available = false;
      row.reason = msg(error);
      log(`overlay-throughput: ${row.key} not available: ${row.reason}`);
    }
  }
  // Warm-up (ARP, caches, page faults), not counted.
  for (const row of live()) await tcpRun(row.clientNs!, row.serverAddr!, 1).catch((error: unknown) => row.errors.push(`warm-up: ${msg(error)}`));
  for (let round = 0; round < RUNS; round++) {
    // Rows interleaved, order rotated per round: drift on the shared VM hits every row alike.
    const order = live();
    const rotated = [...order.slice(round % Math.max(1, order.length)), ...order.slice(0, round % Math.max(1, order.length))];
    for (const row of rotated) {
      try {
        const sample = await tcpRun(row.clientNs!, row.serverAddr!, SECONDS);
        row.tcp.push(sample);
        log(`overlay-throughput: round ${round + 1}/${RUNS} ${row.key}: ${sample.gbps.toFixed(2)} Gbit/s, ${sample.retransmits} retr, machine ${sample.machineBusy.toFixed(0)} % busy`);
      } catch (error) {
        row.errors.push(msg(error));
        log(`overlay-throughput: ${row.key}: ${msg(error)}`);
      }
    }
  }
  for (const row of live()) {
    try {
      row.udp = await udpRun(row.clientNs!, row.serverAddr!, 3, UDP_RATE, UDP_LEN);
    } catch (error) {
      row.errors.push(`udp: ${msg(error)}`);
    }
    try {
      row.rtt = await pingRun(row.clientNs!, row.serverAddr!, PINGS);
    } catch (error) {
      row.errors.push(`ping: ${msg(error)}`);
    }
  }
}

/** Exact median (stats() rounds to 0.1, too coarse for Gbit/s). */
function exactMedian(values: readonly number[]): number {
  const xs = [...values].sort((a, b) => a - b);
  const n = xs.length;
  if (n === 0) return NaN;
  return n % 2 ? xs[(n - 1) / 2]! : (xs[n / 2 - 1]! + xs[n / 2]!) / 2;
}

function tcpMedian(row: Row | undefined): number {
  return row?.available && row.tcp.length ? exactMedian(row.tcp.map((s) => s.gbps)) : NaN;
}

const gb = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

function ratioOf(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a';
}

/** TCP samples' min..max of two rows overlap: a difference this machine can't resolve. */
function overlap(a: Row | undefined, b: Row | undefined): boolean {
  if (!a?.tcp.length || !b?.tcp.length) return false;
  const [amin, amax] = [Math.min(...a.tcp.map((x) => x.gbps)), Math.max(...a.tcp.map((x) => x.gbps))];
  const [bmin, bmax] = [Math.min(...b.tcp.map((x) => x.gbps)), Math.max(...b.tcp.map((x) => x.gbps))];
  return amin <= bmax && bmin <= amax;
}

function rttMedianMs(row: Row | undefined): number {
  return row?.available && row.rtt ? exactMedian(row.rtt.times) : NaN;
}

interface RunNotes {
  cpus: number;
  conet: string;
  loadBefore: string;
  loadAfter: string;
  /** Machine-wide "neighbor table overflow" events during the run (/proc/net/stat/arp_cache table_fulls). */
  arpTableFulls: number;
}

function render(rows: Row[], notes: RunNotes): string {
  const by = (key: RowKey) => rows.find((r) => r.key === key);
  const floor = tcpMedian(by('floor'));
  const body = rows.map((row) => {
    if (!row.available || row.tcp.length === 0) {
      return [row.label, row.mtu ? String(row.mtu) : '', 'n/a', '', '', '', '', '', '', `not available: ${row.reason ?? row.errors[0] ?? 'no samples'}`];
    }
    const g = row.tcp.map((s) => s.gbps).sort((a, b) => a - b);
    const med = exactMedian(g);
    const retr = exactMedian(row.tcp.map((s) => s.retransmits));
    const busy = exactMedian(row.tcp.map((s) => s.machineBusy));
    const rtt = row.rtt ? stats(row.rtt.times.map((t) => t * 1000)) : undefined; // µs
    return [
      row.label,
      String(row.mtu ?? ''),
      `**${med.toFixed(2)}**`,
      `${g[0]!.toFixed(2)}–${g[g.length - 1]!.toFixed(2)}`,
      ratioOf(med, floor),
      String(Math.round(retr)),
      `${busy.toFixed(0)} %`,
      row.udp ? `${row.udp.receivedMbps.toFixed(0)} Mbit/s, ${row.udp.lostPercent.toFixed(2)} %` : 'n/a',
      rtt ? `${(rtt.median / 1000).toFixed(3)} / ${(rtt.p90 / 1000).toFixed(3)}` : 'n/a',
      row.errors.length ? row.errors.join('; ').slice(0, 200) : '',
    ];
  });
  const rv = tcpMedian(by('raw-vxlan'));
  const rr = tcpMedian(by('raw-routed'));
  const cv = tcpMedian(by('conet-vxlan'));
  const cr = tcpMedian(by('conet-host-gw'));
  const dv = tcpMedian(by('docker-overlay'));
  const rvc = tcpMedian(by('raw-vxlan-ct'));
  const rrc = tcpMedian(by('raw-routed-ct'));
  const ratios: string[][] = [
    ['conet vxlan ÷ raw vxlan by hand', ratioOf(cv, rv), 'conet\'s overhead over the same kernel setup (1.00× = none)'],
    ['conet host-gw ÷ raw routed by hand', ratioOf(cr, rr), 'same, routed mode'],
    ['raw vxlan ÷ raw routed', ratioOf(rv, rr), 'cost of encapsulation (and the smaller MTU), kernel only'],
    ['conet vxlan ÷ conet host-gw', ratioOf(cv, cr), 'the same choice as conet users see it'],
    ['raw vxlan + conntrack ÷ raw vxlan', ratioOf(rvc, rv), 'what conntrack/NAT hooks in hosts and containers cost'],
    ['raw routed + conntrack ÷ raw routed', ratioOf(rrc, rr), 'same, routed'],
    ['conet vxlan ÷ raw vxlan + conntrack', ratioOf(cv, rvc), 'conet against the hand-made path with the same kind of hooks'],
    ['conet host-gw ÷ raw routed + conntrack', ratioOf(cr, rrc), 'same, routed'],
    ['conet vxlan ÷ Docker 20.10 overlay', ratioOf(cv, dv), 'against Docker\'s own multi-host overlay'],
    ['Docker 20.10 overlay ÷ raw vxlan by hand', ratioOf(dv, rv), 'Docker\'s data path against the hand-made one'],
    ['raw vxlan ÷ floor', ratioOf(rv, floor), ''],
    ['raw routed ÷ floor', ratioOf(rr, floor), ''],
  ];
  const unavailable = rows.filter((r) => !r.available || r.tcp.length === 0);
  const resolve = (a: RowKey, b: RowKey, text: string): string =>
    !Number.isFinite(tcpMedian(by(a))) || !Number.isFinite(tcpMedian(by(b)))
      ? `${text}: not measured in this run`
      : `${text}: ${ratioOf(tcpMedian(by(a)), tcpMedian(by(b)))}${overlap(by(a), by(b)) ? ' (the two rows\' TCP ranges overlap: within this machine\'s run-to-run noise)' : ''}`;
  const rttDelta = (a: RowKey, b: RowKey): string => {
    const d = (rttMedianMs(by(a)) - rttMedianMs(by(b))) * 1000;
    return Number.isFinite(d) ? `${d >= 0 ? '+' : ''}${d.toFixed(0)} µs` : 'n/a';
  };
  const reading = [
    '### Reading the numbers',
    '',
    `- ${resolve('raw-vxlan', 'raw-routed', 'Encapsulation, kernel only (raw VXLAN ÷ raw routed)')}; median RTT ${rttDelta('raw-vxlan', 'raw-routed')} for VXLAN. Why the gap is small here: over veth, one TCP stream moves 64 KB GSO super-packets, which the vxlan device encapsulates and decapsulates once each, not per 1450-byte packet. Over a physical NIC the frames are cut to the wire MTU (by the NIC if it offloads VXLAN segmentation, in software otherwise) and received frame by frame, so expect a larger gap there; the UDP column (${UDP_LEN}-byte datagrams, no GSO) is the per-packet view on this machine.`,
    `- ${resolve('conet-vxlan', 'raw-vxlan', 'conet vxlan ÷ raw VXLAN')}; ${resolve('conet-host-gw', 'raw-routed', 'conet host-gw ÷ raw routed')}. conet programs the same devices and entries as the raw rows (same vxlan flags, MTU 1450, same kind of routes); what it adds on the data path is nftables: its firewall in the host and its embedded-DNS NAT rules in every container, hence conntrack on every packet at four points; rows 2b/3b reproduce that: ${resolve('raw-vxlan-ct', 'raw-vxlan', 'raw VXLAN + conntrack ÷ raw VXLAN')}, ${resolve('raw-routed-ct', 'raw-routed', 'raw routed + conntrack ÷ raw routed')}. The conet hosts also run conetd, conmon and etcd watches (idle during the transfer, but on the same 2 vCPUs).`,
    `- ${resolve('conet-vxlan', 'docker-overlay', 'conet vxlan ÷ Docker 20.10 overlay')}.`,
    `- Noise: load average ${notes.loadBefore} before and ${notes.loadAfter} after this run (other test suites share the VM), so single rows move by ±20–40 % between runs (see the ranges); only differences larger than the ranges mean something. The machine-busy column is the whole machine, other processes included.${notes.arpTableFulls > 0 ? ` The machine's ARP table overflowed ${notes.arpTableFulls} times during the run ("neighbour: arp_cache: neighbor table overflow!", gc_thresh3 counts the dynamic entries of all namespaces together), so new dynamic neighbour entries failed now and then; the hand-made rows use static entries only, the Docker and conet rows had to retry their first pings ("answered ping only at attempt N").` : ''}`,
    '',
  ];
  return [
    '## Issue 5: throughput between two hosts over the overlay',
    '',
    `iperf3 (Debian \`iperf3\`) between two "hosts", each its own network namespace with a veth underlay (MTU 1500) to a shared "LAN" bridge namespace, all rows built and measured in the same run. TCP: one stream, ${RUNS} runs × ${SECONDS} s per row (first second left out, \`-O 1\`), rows interleaved round by round; median and range of the received rate. UDP: one ${UDP_RATE}bit/s run of 3 s with ${UDP_LEN}-byte datagrams (fits every row's MTU, so no fragmentation). RTT: ${PINGS} pings at 10 ms intervals (busybox ping), median / p90.`,
    '',
    '**This measures the CPU cost of each path, not a network**: the "wire" is a veth pair through a bridge on a 2-vCPU VM, so sender, receiver, encapsulation and both hosts\' forwarding share the same two cores (see the machine-busy column). On real NICs with VXLAN offload the gaps shrink; with a 1–10 GbE link most rows would hit line rate and the difference shows up as CPU time instead.',
    '',
    table(['path', 'MTU', 'TCP Gbit/s', 'range', '÷ floor', 'retransmits', 'machine busy (all processes)', `UDP ${UDP_RATE}bit/s: received, loss`, 'RTT ms median / p90', 'note'], body),
    '',
    table(['ratio (TCP medians)', 'value', 'meaning'], ratios),
    '',
    'What each row is:',
    '',
    `- **1. floor**: iperf3 between the two host namespaces' underlay addresses.`,
    `- **2. raw VXLAN by hand**: in each host a bridge and \`ip link add vx-ov mtu ${VXLAN_MTU} type vxlan id ${VNI} local HOST_ADDR dstport ${VXLAN_PORT} nolearning proxy\` on it, \`bridge fdb add PEER_MAC dev vx-ov dst PEER_HOST self permanent\` and \`ip neigh add PEER_IP lladdr PEER_MAC dev vx-ov nud permanent\` (no multicast group, no flooding, ARP answered locally: what conet's overlay driver programs), a "container" namespace on a veth to the bridge, MTU ${VXLAN_MTU} on both ends. All neighbour entries of the hand-made rows are static (\`nud permanent\`, fixed MACs), see "Noise" below.`,
    `- **3. raw routed by hand**: in each host a bridge with the gateway of its own /24 slice (${RT_SLICE.join(', ')}), a container on it (MTU 1500), \`ip route add OTHER_SLICE via OTHER_HOST\`, forwarding on: flannel's host-gw.`,
    `- **2b./3b. … + conntrack/NAT hooks**: a second pair of hosts on the same LAN, built the same way, plus the nft hooks conet installs: in each host namespace a small table like conet's firewall (a NAT postrouting hook with an outbound masquerade rule, a forward-hook \`ct state established,related accept\`), and in each container namespace a table like conet's embedded-DNS redirect (NAT output/postrouting hooks for 127.0.0.11:53, as Docker also installs in its containers). Every packet then goes through conntrack in the sending container, in both hosts (the VXLAN UDP, and through br_netfilter the bridged inner packets too) and in the receiving container. The raw rows 2 and 3 have no nft table at all.`,
    `- **4. Docker 20.10 overlay**: two dockerds (Debian \`docker.io\` 20.10.24, each in its own namespace and UTS namespace on the same LAN bridge) in the deprecated external key-value store mode, \`--cluster-store etcd://…\` (etcd 3.4 with \`--enable-v2\`: libkv speaks only etcd's v2 API) \`--cluster-advertise ADDR:2376\`, no Swarm; \`docker network create -d overlay --subnet 10.125.0.0/24 ovd\` and a busybox container on each; iperf3 in the containers' namespaces (\`/proc/PID/ns/net\`). libnetwork puts a bridge and \`vxlan0\` (\`proxy l2miss l3miss\`, learning on, MTU 1450, dstport 4789) in a per-network namespace, and fills neighbour/FDB entries from serf gossip.`,
    `- **5./6. conet**: conetd in cluster mode in each host namespace (test/helpers/cluster.ts, a real etcd), \`docker network create -d overlay --subnet 10.123.0.0/24 ovb\` / \`-d overlay -o mode=host-gw --subnet 10.124.0.0/16 ovr\`, \`docker run -d --network … busybox sleep 3600\` on each host; iperf3 runs in the containers' namespaces with \`nsenter --net=/run/netns/conet-<daemon>-<container>\`. conet's rows also carry its nftables rules (conntrack, NAT for outbound traffic) in the host namespaces, which the raw rows don't have.`,
    '',
    ...(unavailable.length ? [`Not measured in this run: ${unavailable.map((r) => `${r.label} (${r.reason ?? r.errors[0] ?? 'no samples'})`).join('; ')}.`, ''] : []),
    ...reading,
    '### When to pick which',
    '',
    `- **host-gw (routed)** when every host sits on one L2 segment (same subnet, no router between them): no encapsulation, full 1500 MTU inside containers, nothing but a route per peer host; here ${gb(rr)} Gbit/s raw${Number.isFinite(cr) ? ` and ${cr.toFixed(2)} Gbit/s through conet` : ''}, ${ratioOf(rr, floor)} of the underlay. Each host gets its own slice of the network's subnet, so a container's address says which host it runs on and moving it means a new address; hosts must be able to reach each other's underlay addresses directly (a route via a host behind a router does not work).`,
    `- **vxlan** when hosts are separated by L3 (different subnets, routers, a cloud VPC that drops unknown source addresses), or when one subnet must span hosts at L2: it needs only UDP ${VXLAN_PORT} between hosts. The price is 50 bytes of overhead per packet (container MTU ${VXLAN_MTU} on a 1500 underlay; use a 9000 underlay MTU if you can) and the encapsulation work: here ${gb(rv)} Gbit/s raw${Number.isFinite(cv) ? ` and ${cv.toFixed(2)} Gbit/s through conet` : ''}, ${ratioOf(rv, rr)} of routed.`,
    '- Neither mode encrypts: both carry container traffic in the clear on the underlay.',
    '',
    '### Compared with Docker 20.10, CNI plugins, netavark',
    '',
    `- **Docker 20.10** (Debian \`docker.io\`): its current multi-host overlay needs Swarm (\`docker swarm init\`/\`join\`, a different control plane with its own Raft store), not measured. But 20.10 still carries the older mode with an external key-value store (hidden, deprecated \`--cluster-store\`/\`--cluster-advertise\` flags, removed in 23.0), the closest thing to conet's design (state in an external etcd, VXLAN between hosts; peers found by serf gossip), so row 4 measures that: ${Number.isFinite(dv) ? `${gb(dv)} Gbit/s, conet vxlan ÷ Docker = ${ratioOf(cv, dv)}` : `not available in this run (${by('docker-overlay')?.reason ?? 'no samples'})`}. Its data path is the same kernel VXLAN as row 2 (one more bridge hop into the per-network namespace), so differences between rows 2 and 4 are noise or that hop.`,
    '- **CNI**: Debian\'s `containernetworking-plugins` has no `flannel` plugin binary and Debian 12 has no flannel package; flannel itself (its daemon, `flanneld`) is not packaged either, so it was not run. Its vxlan backend programs the same kernel objects as row 2 (one `flannel.1` vxlan device with `nolearning`, static FDB and neighbour entries, routed rather than bridged) and its host-gw backend exactly row 3.',
    '- **netavark** (Debian 1.4) is single-host only: no overlay driver, nothing to compare.',
    '',
    `Raw VXLAN and routed rows mirror conet's own settings, so "conet ÷ raw" shows what the daemon adds to the data path (expected: nothing but its nft rules). Machine: ${notes.cpus} vCPUs. conet: ${notes.conet}.`,
  ].join('\n');
}

/** Sum over CPUs of /proc/net/stat/arp_cache's table_fulls (hex): machine-wide neighbour-table overflows. */
async function arpTableFulls(): Promise<number> {
  const lines = (await readFile('/proc/net/stat/arp_cache', 'utf8').catch(() => '')).trim().split('\n');
  const column = (lines[0] ?? '').trim().split(/\s+/).indexOf('table_fulls');
  if (column < 0) return NaN;
  return lines.slice(1).reduce((sum, line) => sum + parseInt(line.trim().split(/\s+/)[column] ?? '0', 16), 0);
}

const loadAverage = async (): Promise<string> => (await readFile('/proc/loadavg', 'utf8')).split(' ')[0] ?? '?';

entry(async () => {
  const startedAt = new Date();
  const loadBefore = await loadAverage();
  const fullsBefore = await arpTableFulls();
  const rows: Row[] = [
    newRow('floor', '1. floor: underlay veth host ↔ host'),
    newRow('raw-vxlan', '2. raw VXLAN by hand (`ip`/`bridge`)'),
    newRow('raw-routed', '3. raw routed by hand (host-gw)'),
    newRow('raw-vxlan-ct', '2b. raw VXLAN + conntrack/NAT hooks'),
    newRow('raw-routed-ct', '3b. raw routed + conntrack/NAT hooks'),
    newRow('docker-overlay', '4. Docker 20.10 overlay (`--cluster-store`, no Swarm)'),
    newRow('conet-vxlan', '**5. conet overlay, vxlan**'),
    newRow('conet-host-gw', '**6. conet overlay, host-gw**'),
  ];
  const by = (key: RowKey) => rows.find((r) => r.key === key)!;
  const sandbox = new NetnsSandbox('conet-b-ovt');
  let cluster: ClusterLike | undefined;
  const conetNets: string[] = [];
  const dockerState: DockerOverlay = { etcdDir: `/tmp/conet-bench-etcd-${randomBytes(3).toString('hex')}`, daemons: [] };
  try {
    log('overlay-throughput: building the raw two-host topology');
    const lan = await buildLan(sandbox);
    const raw = await buildPair(sandbox, lan, 0, false);
    const plan0 = pairPlan(0);
    Object.assign(by('floor'), { clientNs: raw.hosts[0]!.path, serverNs: raw.hosts[1]!.path, serverAddr: plan0.underlay[1], mtu: 1500, available: true });
    Object.assign(by('raw-vxlan'), { clientNs: raw.ovContainers[0]!.path, serverNs: raw.ovContainers[1]!.path, serverAddr: plan0.ovAddr[1], mtu: VXLAN_MTU, available: true });
    Object.assign(by('raw-routed'), { clientNs: raw.rtContainers[0]!.path, serverNs: raw.rtContainers[1]!.path, serverAddr: plan0.rtAddr[1], mtu: 1500, available: true });
    if (WITH_CT) {
      const ct = await buildPair(sandbox, lan, 1, true);
      const plan1 = pairPlan(1);
      Object.assign(by('raw-vxlan-ct'), { clientNs: ct.ovContainers[0]!.path, serverNs: ct.ovContainers[1]!.path, serverAddr: plan1.ovAddr[1], mtu: VXLAN_MTU, available: true });
      Object.assign(by('raw-routed-ct'), { clientNs: ct.rtContainers[0]!.path, serverNs: ct.rtContainers[1]!.path, serverAddr: plan1.rtAddr[1], mtu: 1500, available: true });
    } else {
      for (const key of ['raw-vxlan-ct', 'raw-routed-ct'] as const) by(key).reason = 'skipped (BENCH_CT=0)';
    }

    if (WITH_DOCKER) {
      try {
        log('overlay-throughput: two dockerds (20.10) with --cluster-store on etcd v2');
        await startDockerOverlay(by('docker-overlay'), lan, dockerState);
        by('docker-overlay').available = true;
      } catch (error) {
        by('docker-overlay').reason = msg(error);
        log(`overlay-throughput: docker-overlay not available: ${msg(error)}`);
      }
    } else {
      by('docker-overlay').reason = 'skipped (BENCH_DOCKER=0)';
    }

    if (WITH_CONET) {
      try {
        log('overlay-throughput: starting a two-host conet cluster');
        cluster = await startCluster();
        for (const [key, net, args] of [
          ['conet-vxlan', 'ovb', ['-d', 'overlay', '--subnet', '10.123.0.0/24']],
          ['conet-host-gw', 'ovr', ['-d', 'overlay', '-o', 'mode=host-gw', '--subnet', '10.124.0.0/16']],
        ] as const) {
          const row = by(key);
          try {
            conetNets.push(net);
            await conetRow(row, cluster, net, args);
            row.available = true;
          } catch (error) {
            row.reason = msg(error);
            log(`overlay-throughput: ${key} not available: ${row.reason}`);
          }
        }
      } catch (error) {
        for (const key of ['conet-vxlan', 'conet-host-gw'] as const) by(key).reason = msg(error);
        log(`overlay-throughput: conet rows not available: ${msg(error)}`);
      }
    } else {
      for (const key of ['conet-vxlan', 'conet-host-gw'] as const) by(key).reason = 'skipped (BENCH_CONET=0)';
    }

    const pause = Number(process.env['BENCH_PAUSE'] ?? 0); // debugging: inspect the namespaces
    if (pause > 0) {
      log(`overlay-throughput: pausing ${pause} s (BENCH_PAUSE)`);
      await new Promise((r) => setTimeout(r, pause * 1000));
    }
    await measure(rows);
  } finally {
    for (const row of rows) await row.server?.stop(3_000).catch(() => undefined);
    if (cluster) {
      await removeConet(cluster, conetNets).catch((error: unknown) => log(`conet cleanup: ${msg(error)}`));
      await cluster.dispose().catch((error: unknown) => log(`cluster dispose: ${msg(error)}`));
    }
    await stopDockerOverlay(dockerState).catch((error: unknown) => log(`docker overlay cleanup: ${msg(error)}`));
    await sandbox.cleanup().catch((error: unknown) => log(`netns cleanup: ${msg(error)}`));
  }
  const head = (await sh(['git', '-C', REPO, 'rev-parse', '--short', 'HEAD'])).stdout.trim();
  const dirty = (await sh(['git', '-C', REPO, 'status', '--porcelain', 'src'])).stdout.trim() ? ' + uncommitted src/ changes' : '';
  const markdown = render(rows, { cpus: cpus().length, conet: `git ${head}${dirty}`, loadBefore, loadAfter: await loadAverage(), arpTableFulls: (await arpTableFulls()) - fullsBefore });
  await writeResult({
    name: 'overlay-throughput',
    target: 'overlay throughput vs raw VXLAN and routed (reported)',
    markdown,
    startedAt: startedAt.toISOString(),
    durationS: (Date.now() - startedAt.getTime()) / 1000,
    raw: { RUNS, SECONDS, UDP_RATE, UDP_LEN, rows: rows.map(({ server: _server, ...rest }) => ({ ...rest, tcpMedianGbps: round(tcpMedian(rest as Row), 2) })) },
  });
});
