/**
 * Which link types this kernel can make, found by making each one in a throwaway namespace (no
 * /lib/modules needed: a module that is missing or can't load is an "Unknown device type"). The
 * namespace carries a random name under `conet-doctor-` and is always deleted.
 */
import { randomBytes } from 'node:crypto';
import { run } from '../../../exec/index.js';
import { LINK_KINDS, type LinkKind, type LinkProbe } from '../../../model/doctor.js';

/** The `ip link add` arguments that make one link of each kind (a veth `dp0` is their parent). */
const LINK_ARGS: Record<LinkKind, string[]> = {
  veth: ['dv0', 'type', 'veth', 'peer', 'name', 'dv1'],
  bridge: ['db0', 'type', 'bridge'],
  vxlan: ['dx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789'],
  macvlan: ['dm0', 'link', 'dp0', 'type', 'macvlan', 'mode', 'bridge'],
  ipvlan: ['di0', 'link', 'dp0', 'type', 'ipvlan', 'mode', 'l2'],
  vlan: ['dl0', 'link', 'dp0', 'type', 'vlan', 'id', '5'],
  dummy: ['dd0', 'type', 'dummy'],
  geneve: ['dg0', 'type', 'geneve', 'id', '1', 'remote', '192.0.2.1'],
  wireguard: ['dw0', 'type', 'wireguard'],
  ipip: ['dt0', 'type', 'ipip', 'remote', '192.0.2.1', 'local', '192.0.2.2'],
  gre: ['dr0', 'type', 'gre', 'remote', '192.0.2.1', 'local', '192.0.2.2'],
  vrf: ['df0', 'type', 'vrf', 'table', '10'],
};

export interface ThrowawayProbe {
  netns: { ok: boolean; error?: string };
  links: LinkProbe[];
  nftables: { ok: boolean; error?: string };
  conntrack: boolean;
}

const TIMEOUT = 5_000;

async function probeLink(netns: string, kind: LinkKind): Promise<LinkProbe> {
  const result = await run(['ip', '-n', netns, 'link', 'add', ...LINK_ARGS[kind]], { allowFailure: true, timeoutMs: TIMEOUT });
  return result.code === 0 ? { kind, ok: true } : { kind, ok: false, error: result.stderr.trim() || `exit ${result.code}` };
}

async function probeNft(netns: string): Promise<{ ok: boolean; error?: string }> {
  const result = await run(['ip', 'netns', 'exec', netns, 'nft', 'add', 'table', 'inet', 'conet-doctor'], { allowFailure: true, timeoutMs: TIMEOUT });
  return result.code === 0 ? { ok: true } : { ok: false, error: result.stderr.trim() || `exit ${result.code}` };
}

async function probeConntrack(netns: string): Promise<boolean> {
  const result = await run(['ip', 'netns', 'exec', netns, 'cat', '/proc/sys/net/netfilter/nf_conntrack_count'], { allowFailure: true, timeoutMs: TIMEOUT });
  return result.code === 0;
}

/** Makes the namespace, runs every probe in it, deletes it (also when a probe throws). */
export async function probeInThrowawayNamespace(): Promise<ThrowawayProbe> {
  const netns = `conet-doctor-${randomBytes(4).toString('hex')}`;
  const made = await run(['ip', 'netns', 'add', netns], { allowFailure: true, timeoutMs: TIMEOUT });
  if (made.code !== 0) {
    const error = made.stderr.trim() || `exit ${made.code}`;
    return { netns: { ok: false, error }, links: LINK_KINDS.map((kind) => ({ kind, ok: false, error: 'no namespace to try it in' })), nftables: { ok: false, error }, conntrack: false };
  }
  try {
    const veth = await probeLink(netns, 'veth');
    await run(['ip', '-n', netns, 'link', 'add', 'dp0', 'type', 'dummy'], { allowFailure: true, timeoutMs: TIMEOUT });
    // A parent for macvlan/ipvlan/vlan: the dummy when there is one, else a veth end.
    await run(['ip', '-n', netns, 'link', 'add', 'dp0', 'type', 'veth', 'peer', 'name', 'dp1'], { allowFailure: true, timeoutMs: TIMEOUT });
    const others = await Promise.all(LINK_KINDS.filter((kind) => kind !== 'veth').map((kind) => probeLink(netns, kind)));
    const [nftables, conntrack] = await Promise.all([probeNft(netns), probeConntrack(netns)]);
    return { netns: { ok: true }, links: [veth, ...others], nftables, conntrack };
  } finally {
    await run(['ip', 'netns', 'del', netns], { allowFailure: true, timeoutMs: TIMEOUT });
  }
}
