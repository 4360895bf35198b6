/**
 * Runs INSIDE a benchmark "host" namespace (started by bench/lib/peers.ts under `nsenter --net`)
 * and times the same end state the way other tools reach it, one container at a time, each set
 * up and torn down again while one pinned container keeps the bridge and network-wide rules in
 * place (steady state):
 *   floor     `ip netns add` + `ip -batch` (host side) + `ip -n C -batch` (container side), then
 *             one `nft -f` adding the published port as a map element (as conet publishes)
 *   cni       CNI bridge (host-local IPAM, ipMasq) + portmap, one published port, conflist order
 *   netavark  netavark setup/teardown, bridge + one published port (netavark does no IPAM)
 * Prints one JSON object on stdout.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { assertNotRootNetns, sh, shOk } from './common.js';

const [tool, prefix, countText, workDir] = process.argv.slice(2) as [string, string, string, string];
const count = Number(countText);
const PATH_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };
const CNI_PATH = '/usr/lib/cni';
const NETAVARK = '/usr/lib/podman/netavark';
const HOST_PORT_BASE = 20000;

interface Sample { i: number; setup: number; teardown: number; netnsAdd?: number; netnsDel?: number; nftAdd?: number; nftDel?: number; parts?: number[] }

async function timedRun(argv: string[], input?: string, env?: NodeJS.ProcessEnv): Promise<{ ms: number; stdout: string }> {
  const t0 = performance.now();
  const result = await sh(argv, { ...(input !== undefined ? { input } : {}), ...(env ? { env } : {}), timeoutMs: 30_000 });
  const ms = performance.now() - t0;
  if (result.code !== 0) throw new Error(`${argv.join(' ')} exited ${result.code}: ${result.stderr.slice(0, 600)} ${result.stdout.slice(0, 300)}`);
  return { ms, stdout: result.stdout };
}

const ipOf = (i: number) => `10.88.${Math.floor((i + 2) / 256)}.${(i + 2) % 256}`;
const ns = (i: number) => `${prefix}c${i}`;

// ---------------------------------------------------------------- floor
async function floorPrepare(): Promise<void> {
  await shOk(['ip', '-b', '-'], { input: 'link add fl-br0 type bridge\naddr add 10.88.0.1/16 dev fl-br0\nlink set fl-br0 up\n' });
  await shOk(['nft', '-f', '-'], {
    input: `table ip conetbench {
  map ports { type inet_service : ipv4_addr . inet_service; }
  chain prerouting { type nat hook prerouting priority dstnat; policy accept; fib daddr type local dnat ip addr . port to tcp dport map @ports; }
  chain output { type nat hook output priority -100; policy accept; fib daddr type local dnat ip addr . port to tcp dport map @ports; }
}\n`,
  });
}

async function floorSetup(i: number): Promise<Omit<Sample, 'teardown' | 'i'>> {
  const a = await timedRun(['ip', 'netns', 'add', ns(i)]);
  const b = await timedRun(['ip', '-b', '-'], `link add fl${i} type veth peer name eth0 netns ${ns(i)}\nlink set fl${i} master fl-br0 up\n`);
  const c = await timedRun(['ip', '-n', ns(i), '-b', '-'], `link set lo up\naddr add ${ipOf(i)}/16 dev eth0\nlink set eth0 up\nroute add default via 10.88.0.1\n`);
  const d = await timedRun(['nft', '-f', '-'], `add element ip conetbench ports { ${HOST_PORT_BASE + i} : ${ipOf(i)} . 80 }\n`);
  return { setup: a.ms + b.ms + c.ms, netnsAdd: a.ms, nftAdd: d.ms, parts: [a.ms, b.ms, c.ms] };
}

async function floorTeardown(i: number): Promise<{ teardown: number; nftDel: number; netnsDel: number }> {
  const d = await timedRun(['nft', '-f', '-'], `delete element ip conetbench ports { ${HOST_PORT_BASE + i} }\n`);
  const a = await timedRun(['ip', 'link', 'del', `fl${i}`]);
  const b = await timedRun(['ip', 'netns', 'del', ns(i)]);
  return { teardown: a.ms + b.ms, nftDel: d.ms, netnsDel: b.ms };
}

// ---------------------------------------------------------------- CNI
const CNI_LIST = {
  cniVersion: '1.0.0',
  name: 'conetbench',
  plugins: [
    { type: 'bridge', bridge: 'cni-br0', isGateway: true, ipMasq: true, hairpinMode: true,
      ipam: { type: 'host-local', ranges: [[{ subnet: '10.89.0.0/16', gateway: '10.89.0.1' }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: `${workDir}/cni-ipam` } },
    { type: 'portmap', capabilities: { portMappings: true }, snat: true },
  ],
};
const cniResults = new Map<number, unknown>();

function cniConf(plugin: Record<string, unknown>, i: number, prev: unknown): string {
  const conf: Record<string, unknown> = { ...plugin, name: CNI_LIST.name, cniVersion: CNI_LIST.cniVersion };
  if (plugin['type'] === 'portmap') conf['runtimeConfig'] = { portMappings: [{ hostPort: HOST_PORT_BASE + i, containerPort: 80, protocol: 'tcp' }] };
  if (prev !== undefined) conf['prevResult'] = prev;
  return JSON.stringify(conf);
}

function cniEnv(command: string, i: number): NodeJS.ProcessEnv {
  return { ...PATH_ENV, CNI_COMMAND: command, CNI_CONTAINERID: createHash('sha256').update(`${prefix}${i}`).digest('hex'), CNI_NETNS: `/run/netns/${ns(i)}`, CNI_IFNAME: 'eth0', CNI_PATH };
}

async function cniSetup(i: number): Promise<Omit<Sample, 'teardown' | 'i'>> {
  const a = await timedRun(['ip', 'netns', 'add', ns(i)]);
  let prev: unknown;
  const parts: number[] = [];
  for (const plugin of CNI_LIST.plugins) {
    const r = await timedRun([`${CNI_PATH}/${plugin.type}`], cniConf(plugin, i, prev), cniEnv('ADD', i));
    prev = JSON.parse(r.stdout);
    parts.push(r.ms);
  }
  cniResults.set(i, prev);
  return { setup: parts.reduce((x, y) => x + y, 0), netnsAdd: a.ms, parts };
}

async function cniTeardown(i: number): Promise<{ teardown: number; netnsDel: number }> {
  let total = 0;
  for (const plugin of [...CNI_LIST.plugins].reverse()) total += (await timedRun([`${CNI_PATH}/${plugin.type}`], cniConf(plugin, i, cniResults.get(i)), cniEnv('DEL', i))).ms;
  const b = await timedRun(['ip', 'netns', 'del', ns(i)]);
  return { teardown: total, netnsDel: b.ms };
}

// ---------------------------------------------------------------- netavark
function nvOptions(i: number): string {
  const name = 'conetbench';
  return JSON.stringify({
    container_id: createHash('sha256').update(`${prefix}${i}`).digest('hex'),
    container_name: `${prefix}c${i}`,
    networks: { [name]: { static_ips: [`10.90.${Math.floor((i + 2) / 256)}.${(i + 2) % 256}`], aliases: [], interface_name: 'eth0' } },
    network_info: { [name]: { name, id: createHash('sha256').update(name).digest('hex'), driver: 'bridge', network_interface: 'nv-br0', created: '2026-01-01T00:00:00Z',
      subnets: [{ subnet: '10.90.0.0/16', gateway: '10.90.0.1' }], ipv6_enabled: false, internal: false, dns_enabled: false, ipam_options: { driver: 'host-local' } } },
    port_mappings: [{ host_ip: '', container_port: 80, host_port: HOST_PORT_BASE + i, range: 1, protocol: 'tcp' }],
  });
}

const nvArgv = (command: string, i: number) => [NETAVARK, '--config', `${workDir}/netavark`, '--rootless=false', command, `/run/netns/${ns(i)}`];

async function nvSetup(i: number): Promise<Omit<Sample, 'teardown' | 'i'>> {
  const a = await timedRun(['ip', 'netns', 'add', ns(i)]);
  const r = await timedRun(nvArgv('setup', i), nvOptions(i), PATH_ENV);
  return { setup: r.ms, netnsAdd: a.ms };
}

async function nvTeardown(i: number): Promise<{ teardown: number; netnsDel: number }> {
  const r = await timedRun(nvArgv('teardown', i), nvOptions(i), PATH_ENV);
  const b = await timedRun(['ip', 'netns', 'del', ns(i)]);
  return { teardown: r.ms, netnsDel: b.ms };
}

// ---------------------------------------------------------------- main
async function main(): Promise<void> {
  assertNotRootNetns();
  await mkdir(`${workDir}/netavark`, { recursive: true });
  const ops = tool === 'floor' ? { prepare: floorPrepare, setup: floorSetup, teardown: floorTeardown }
    : tool === 'cni' ? { prepare: async () => undefined, setup: cniSetup, teardown: cniTeardown }
      : tool === 'netavark' ? { prepare: async () => undefined, setup: nvSetup, teardown: nvTeardown }
        : undefined;
  if (!ops) throw new Error(`unknown tool ${tool}`);
  await ops.prepare();
  await ops.setup(0); // pinned: keeps the bridge and network-wide rules, so the samples are steady state
  const samples: Sample[] = [];
  for (let i = 1; i <= count; i++) {
    const up = await ops.setup(i);
    const down = await ops.teardown(i);
    samples.push({ i, ...up, ...down });
  }
  await ops.teardown(0);
  process.stdout.write(JSON.stringify({ tool, samples }) + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
