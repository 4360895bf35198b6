import { readFile, writeFile } from 'node:fs/promises';
import { run } from '../../exec/index.js';
import type { NetnsTarget, SysctlPort } from '../ports.js';
import { inNetns } from './netns-argv.js';

/**
 * /proc/sys/net is per network namespace of the process that opens it, hence nsenter for others.
 * A key is either sysctl(8) dotted form ("net.ipv4.ip_forward") or, when it holds a '/', a path
 * below /proc/sys ("net/ipv4/conf/br-b.x/route_localnet"), for interface names with dots.
 */
function path(key: string): string {
  if (!/^[a-z0-9_.\/-]+$/i.test(key) || key.includes('..')) throw new TypeError(`bad sysctl key ${key}`);
  return `/proc/sys/${key.includes('/') ? key : key.replaceAll('.', '/')}`;
}

export class LinuxSysctl implements SysctlPort {
  async read(key: string, target?: NetnsTarget): Promise<string> {
    if (!target?.netns) return (await readFile(path(key), 'utf8')).trim();
    return (await run(inNetns(['cat', path(key)], target), { timeoutMs: 5_000 })).stdout.trim();
  }

  async write(key: string, value: string, target?: NetnsTarget): Promise<void> {
    if (!target?.netns) return writeFile(path(key), value);
    await run(inNetns(['tee', path(key)], target), { input: value, timeoutMs: 5_000 });
  }
}
