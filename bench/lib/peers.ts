/**
 * Times the floor, the CNI plugins and netavark in a host namespace made for the purpose: runs
 * bench/lib/peers-worker.js there under `nsenter --net` and cleans every namespace up afterwards.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_PREFIX, log, rootNetnsInode, sh, shOk } from './common.js';

export type PeerTool = 'floor' | 'cni' | 'netavark';

export interface PeerSample { i: number; setup: number; teardown: number; netnsAdd?: number; netnsDel?: number; nftAdd?: number; nftDel?: number; parts?: number[] }
export interface PeerRun { tool: PeerTool; available: boolean; reason?: string; samples: PeerSample[] }

const WORKER = join(fileURLToPath(import.meta.url), '..', 'peers-worker.js');

export function peerAvailable(tool: PeerTool): string | undefined {
  if (tool === 'cni' && !(existsSync('/usr/lib/cni/bridge') && existsSync('/usr/lib/cni/portmap'))) return 'containernetworking-plugins is not installed (/usr/lib/cni/bridge, portmap missing)';
  if (tool === 'netavark' && !existsSync('/usr/lib/podman/netavark')) return 'netavark is not installed (/usr/lib/podman/netavark missing)';
  return undefined;
}

export async function runPeer(tool: PeerTool, count: number): Promise<PeerRun> {
  const reason = peerAvailable(tool);
  if (reason) return { tool, available: false, reason, samples: [] };
  const id = randomBytes(3).toString('hex');
  const host = `${BENCH_PREFIX}${tool.slice(0, 2)}-${id}`;
  const prefix = `${BENCH_PREFIX}${tool.slice(0, 2)}${id}-`;
  const work = `/tmp/conet-bench-${tool}-${id}`;
  try {
    await shOk(['ip', 'netns', 'add', host]);
    await shOk(['ip', '-n', host, 'link', 'set', 'lo', 'up']);
    await shOk(['mkdir', '-p', work]);
    const result = await sh(['nsenter', `--net=/run/netns/${host}`, '--', process.execPath, WORKER, tool, prefix, String(count), work], { timeoutMs: 600_000, env: { ...process.env, CONET_BENCH_ROOT_NETNS: String(rootNetnsInode()) } });
    if (result.code !== 0) return { tool, available: false, reason: `ran but failed: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`, samples: [] };
    const parsed = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as { samples: PeerSample[] };
    return { tool, available: true, samples: parsed.samples };
  } finally {
    // container namespaces the worker made (also after a failure), then the host namespace
    for (const entry of await readdir('/run/netns').catch(() => [] as string[])) {
      if (entry.startsWith(prefix)) await sh(['ip', 'netns', 'del', entry]);
    }
    for (const pid of (await sh(['ip', 'netns', 'pids', host])).stdout.split('\n').filter(Boolean)) {
      log(`peers cleanup: killing leftover pid ${pid} in ${host}`);
      try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
    }
    await sh(['ip', 'netns', 'del', host]);
    await rm(work, { recursive: true, force: true });
  }
}
