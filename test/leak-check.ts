/**
 * Ends the suite: compares the machine with a snapshot taken before it and fails on anything
 * the tests left behind: namespaces, links in the machine's own namespace, nft tables there,
 * mounts, and conet processes. `snapshot` prints JSON; `compare FILE` exits 1 on a leak.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { run } from '../src/exec/index.js';

interface Snapshot {
  netns: string[];
  links: string[];
  tables: string[];
  mounts: string[];
  processes: string[];
}

async function lines(argv: string[]): Promise<string[]> {
  const result = await run(argv, { allowFailure: true, timeoutMs: 10_000 });
  return result.stdout.split('\n').map((line) => line.trim()).filter(Boolean);
}

async function conetProcesses(): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const text = cmdline.split('\0').join(' ').trim();
    if (/bin\/conet |conet-test-|conet-t-/.test(text)) found.push(`${entry} ${text}`);
  }
  return found;
}

async function take(): Promise<Snapshot> {
  const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').filter((line) => /conet/.test(line));
  return {
    netns: (await lines(['ip', 'netns', 'list'])).map((line) => line.split(' ')[0] ?? line),
    links: (await lines(['ip', '-br', 'link'])).map((line) => (line.split(/\s+/)[0] ?? '').replace(/@.*/, '')),
    tables: await lines(['nft', 'list', 'tables']),
    mounts,
    processes: (await conetProcesses()).map((line) => line),
  };
}

async function main(): Promise<void> {
  const [command, file] = process.argv.slice(2);
  if (command === 'snapshot') {
    process.stdout.write(JSON.stringify(await take()));
    return;
  }
  if (command !== 'compare' || !file) throw new Error('usage: leak-check snapshot | compare FILE');
  const before = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const after = await take();
  const leaks: string[] = [];
  for (const key of Object.keys(after) as Array<keyof Snapshot>) {
    const known = new Set(before[key]);
    // Processes are compared by pid + cmdline, the rest by name.
    for (const item of after[key]) if (!known.has(item)) leaks.push(`${key}: ${item}`);
  }
  if (leaks.length > 0) {
    process.stderr.write(`leak check FAILED: the tests left behind\n${leaks.map((leak) => `  - ${leak}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`leak check failed to run: ${String(error)}\n`);
  process.exitCode = 1;
});
