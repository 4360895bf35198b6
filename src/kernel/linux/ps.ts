/**
 * The host's `ps` (procps), as `docker top` runs it: the arguments are argv entries (never a
 * shell line), the output is returned as text for the engine to parse.
 */
import { run } from '../../exec/index.js';
import { invalid } from '../../errors/index.js';

const MAX_OUTPUT = 4 * 1024 * 1024;

/** `ps ARGS`; a failing ps (an option it refuses) is a 400 with ps's own words. */
export async function hostPs(args: readonly string[]): Promise<string> {
  const result = await run(['ps', ...args], { allowFailure: true, timeoutMs: 10_000, env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' } });
  if (result.code !== 0) throw invalid('top-ps', `ps: ${result.stderr.trim().split('\n')[0] ?? `exited with ${result.code}`}`);
  return result.stdout.slice(0, MAX_OUTPUT);
}
