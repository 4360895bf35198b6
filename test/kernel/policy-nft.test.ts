/**
 * The policy compiler's nft script on the real kernel (issue 13): a routed "host" namespace with
 * four "container" namespaces on veths, the compiled policies applied in the host, then every
 * pair probed with TCP on several ports and ICMP, in parallel, 1 s timeouts for what must fail.
 *
 *   frontend 10.77.1.2 (role=frontend)   db 10.77.2.2 (role=db)   worker 10.77.3.2 (role=worker)
 *   out 10.5.0.2 (allowed block)         hole 10.66.0.2 (the except block)
 *
 * db-ingress: role=db accepts role=frontend on 5432/tcp only. worker-egress: role=worker reaches
 * 10.0.0.0/8 minus 10.66.0.0/16 on 443/tcp only. Everything else (not selected) is open.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startProcess, type ProcessHandle } from '../../src/exec/index.js';
import { buildPolicyScript } from '../../src/firewall/nft-policy.js';
import { LinuxNftables } from '../../src/kernel/linux/nft.js';
import type { NetworkPolicy, PolicyTarget } from '../../src/model/policy.js';
import { compilePolicies } from '../../src/policy/compile.js';
import { parsePolicyDocuments } from '../../src/util/policy/index.js';
import { addVethPair, execIn, ipBatch, NetnsSandbox, setSysctl, type Netns } from '../helpers/netns.js';

const POLICIES: NetworkPolicy[] = parsePolicyDocuments(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ingress}
spec:
  podSelector: {matchLabels: {role: db}}
  ingress: [{from: [{podSelector: {matchLabels: {role: frontend}}}], ports: [{port: 5432}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: worker-egress}
spec:
  podSelector: {matchLabels: {role: worker}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.66.0.0/16]}}], ports: [{port: 443}]}]
`).map((spec, i) => ({ ...spec, id: String(i + 1).repeat(64), created: '', updated: '', source: 'api' }));

const NODES = { frontend: '10.77.1.2', db: '10.77.2.2', worker: '10.77.3.2', out: '10.5.0.2', hole: '10.66.0.2' } as const;
type Node = keyof typeof NODES;
const PORTS = [443, 5432, 8080];
const TARGETS: PolicyTarget[] = (['frontend', 'db', 'worker'] as const).map((role) => ({ containerId: role, labels: { role }, networks: ['n'], addresses: [NODES[role]] }));

const SERVER = 'import socket,sys,threading\ndef serve(p):\n  s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1); s.bind(("0.0.0.0",p)); s.listen(64)\n  while True:\n    c,_=s.accept(); c.close()\nfor p in sys.argv[1:]: threading.Thread(target=serve,args=(int(p),)).start()\n';
/** Connects to every ADDR:PORT argument at once (threads, 1 s timeout); prints "ADDR:PORT open|closed". */
const CONNECT = 'import socket,sys,threading\ndef probe(t):\n  a,p=t.split(":"); s=socket.socket(); s.settimeout(1)\n  try: s.connect((a,int(p))); print(t,"open",flush=True)\n  except OSError: print(t,"closed",flush=True)\nts=[threading.Thread(target=probe,args=(t,)) for t in sys.argv[1:]]\n[t.start() for t in ts]; [t.join() for t in ts]\n';

const sandbox = new NetnsSandbox('conet-poltest');
const spaces = new Map<Node, Netns>();
const servers: ProcessHandle[] = [];
let host: Netns;

/** TCP probes from one node to many ADDR:PORT, in one process: the set of those that connected. */
async function tcpFrom(from: Node, targets: readonly string[]): Promise<Set<string>> {
  const result = await execIn(spaces.get(from) as Netns, ['python3', '-c', CONNECT, ...targets], { timeoutMs: 20_000 });
  return new Set(result.stdout.split('\n').filter((line) => line.endsWith(' open')).map((line) => line.split(' ')[0] ?? ''));
}

async function tcp(from: Node, to: Node, port: number): Promise<boolean> {
  return (await tcpFrom(from, [`${NODES[to]}:${port}`])).has(`${NODES[to]}:${port}`);
}

async function ping(from: Node, to: Node): Promise<boolean> {
  for (let attempt = 0; attempt < (expected(from, to, 'icmp') ? 3 : 1); attempt += 1) {
    const result = await execIn(spaces.get(from) as Netns, ['busybox', 'ping', '-c1', '-W1', NODES[to]], { allowFailure: true, timeoutMs: 10_000 });
    if (result.code === 0) return true;
  }
  return false;
}

function expected(from: Node, to: Node, port: number | 'icmp'): boolean {
  if (to === 'db' && from !== 'db') return from === 'frontend' && port === 5432;
  if (from === 'worker' && to !== 'worker') return port === 443 && to !== 'hole';
  return true;
}

async function wire(): Promise<void> {
  host = await sandbox.create('host');
  await setSysctl(host, 'net.ipv4.ip_forward', '1');
  let index = 0;
  for (const [node, address] of Object.entries(NODES) as [Node, string][]) {
    index += 1;
    const ns = await sandbox.create(node.slice(0, 4));
    spaces.set(node, ns);
    const hostSide = address.replace(/\.2$/, '.1');
    await addVethPair(host, `pv${index}`, { ns, name: 'eth0' });
    await ipBatch(host, [`link set pv${index} up`, `address add ${hostSide}/24 dev pv${index}`]);
    await ipBatch(ns, ['link set eth0 up', `address add ${address}/24 dev eth0`, `route add default via ${hostSide}`]);
    servers.push(startProcess(['nsenter', `--net=${ns.path}`, 'python3', '-c', SERVER, ...PORTS.map(String)]));
  }
}

describe('policy nft script on the kernel', { timeout: 120_000 }, () => {
  before(async () => {
    await wire();
    await new LinuxNftables().apply(buildPolicyScript(compilePolicies(POLICIES, TARGETS)), { netns: host.path });
    await new Promise((resolve) => setTimeout(resolve, 500));
  });

  after(async () => {
    await Promise.all(servers.map((server) => server.stop(500)));
    await sandbox.cleanup();
  });

  it('every pair, TCP on three ports and ICMP: what the policies allow answers, the rest is blocked', async () => {
    const probes: Promise<string[]>[] = [];
    // A flow that must pass gets a second try on its own (a slow first ARP or a loaded machine);
    // one that must be blocked is judged by its first, 1 s probe.
    const retryAllowed = async (misses: { from: Node; to: Node; port: number; got: boolean }[]): Promise<string[]> => {
      const still = await Promise.all(misses.map(async (m) => (m.got || !(await tcp(m.from, m.to, m.port)) ? [`${m.from} -> ${m.to}:${m.port} ${m.got ? 'open' : 'blocked'}`] : [])));
      return still.flat();
    };
    const nodes = Object.keys(NODES) as Node[];
    for (const from of nodes) {
      const others = nodes.filter((to) => to !== from);
      const pairs = others.flatMap((to) => PORTS.map((port) => ({ to, port })));
      probes.push(tcpFrom(from, pairs.map(({ to, port }) => `${NODES[to]}:${port}`)).then((open) =>
        pairs.flatMap(({ to, port }) => {
          const got = open.has(`${NODES[to]}:${port}`);
          return got === expected(from, to, port) ? [] : [{ from, to, port, got }];
        }),
      ).then(retryAllowed));
      for (const to of others) probes.push(ping(from, to).then((got) => (got === expected(from, to, 'icmp') ? [] : [`${from} -> ${to} icmp ${got ? 'open' : 'blocked'}`])));
    }
    const wrong = (await Promise.all(probes)).flat();
    assert.deepEqual(wrong, []);
  });

  it('re-applying the same script is accepted and changes nothing', async () => {
    await new LinuxNftables().apply(buildPolicyScript(compilePolicies(POLICIES, TARGETS)), { netns: host.path });
    assert.equal(await tcp('frontend', 'db', 5432), true);
    assert.equal(await tcp('frontend', 'db', 8080), false);
  });
});
