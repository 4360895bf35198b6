/**
 * Other firewalls and engines on the host that can get in conet's way: dockerd, containerd,
 * firewalld, podman running; ufw enabled; rules in iptables-legacy's tables (which the kernel runs
 * beside nftables); nftables tables that are not conet's in this namespace.
 */
import { readFile } from 'node:fs/promises';
import { run } from '../../../exec/index.js';
import type { HostNeighbours } from '../../../model/doctor.js';
import { exists, runningProcesses } from './host-facts.js';

const ENGINES = ['dockerd', 'containerd', 'firewalld', 'podman'];

async function ufwEnabled(): Promise<boolean> {
  // No ufw.conf: ufw isn't installed.
  const text = await readFile('/etc/ufw/ufw.conf', 'utf8').catch(() => '');
  return /^ENABLED=yes\s*$/m.test(text);
}

/** -A lines per table of `iptables-legacy-save` (and the v6 one), undefined without the tool. */
async function legacyRules(): Promise<Record<string, number> | undefined> {
  if (!(await exists('/usr/sbin/iptables-legacy-save'))) return undefined;
  const counts: Record<string, number> = {};
  for (const [tool, family] of [['iptables-legacy-save', 'ip'], ['ip6tables-legacy-save', 'ip6']] as const) {
    const result = await run([tool], { allowFailure: true, timeoutMs: 5_000 });
    let table = '';
    for (const line of result.stdout.split('\n')) {
      if (line.startsWith('*')) table = `${family} ${line.slice(1)}`;
      else if (line.startsWith('-A ')) counts[table] = (counts[table] ?? 0) + 1;
    }
  }
  return counts;
}

async function foreignNftTables(): Promise<string[]> {
  const result = await run(['nft', '-j', 'list', 'tables'], { allowFailure: true, timeoutMs: 5_000 });
  if (result.code !== 0) return [];
  const parsed = JSON.parse(result.stdout) as { nftables?: { table?: { family?: unknown; name?: unknown } }[] };
  return (parsed.nftables ?? [])
    .map((entry) => entry.table)
    .filter((table): table is { family: string; name: string } => typeof table?.family === 'string' && typeof table.name === 'string')
    .filter((table) => !table.name.startsWith('conet'))
    .map((table) => `${table.family} ${table.name}`);
}

export async function readHostNeighbours(): Promise<HostNeighbours> {
  const [running, ufw, legacy, foreign] = await Promise.all([runningProcesses(ENGINES), ufwEnabled(), legacyRules(), foreignNftTables()]);
  return { running, ufwEnabled: ufw, ...(legacy !== undefined ? { iptablesLegacyRules: legacy } : {}), foreignNftTables: foreign };
}
