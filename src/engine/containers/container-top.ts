/**
 * `docker top` (GET /containers/{id}/top?ps_args=…), as Docker's daemon/top_unix.go does it: the
 * host's ps with the client's arguments (default -ef), then only the rows whose PID is one of the
 * container's processes. ps is first asked for just those pids (-q); options that can't go with
 * -q (e.g. f) get a second ps without it. The last column keeps its spaces (the command line).
 */
import { conflict, invalid } from '../../errors/index.js';
import type { ContainerService } from './container-service.js';

export interface TopDeps {
  containers: Pick<ContainerService, 'get'>;
  /** The host pids of a running container's processes. */
  pids(id: string): Promise<number[]>;
  /** The host's ps with these arguments; rejects with a 400 when ps refuses them. */
  ps(args: readonly string[]): Promise<string>;
}

export interface TopResult {
  titles: string[];
  processes: string[][];
}

const MAX_PS_ARGS = 256;

export async function containerTop(deps: TopDeps, reference: string, psArgs = '-ef'): Promise<TopResult> {
  const args = decodePsArgs(psArgs);
  const container = deps.containers.get(reference);
  if (container.state.status !== 'running') throw conflict('container-not-running', `Container ${container.id} is not running`);
  const pids = await deps.pids(container.id);
  // Some ps options (f) refuse -q: ps again without it, as Docker does; that one's error is the answer.
  const output = await deps.ps([...args, '-q', pids.join(',')]).catch(() => deps.ps(args));
  return parsePs(output, pids);
}

/** The arguments split on spaces; Docker's refusal of "k=PID" renames other than pid. */
export function decodePsArgs(psArgs: string): string[] {
  const value = psArgs === '' ? '-ef' : psArgs;
  if (value.length > MAX_PS_ARGS || !/^[\x20-\x7e]*$/.test(value)) throw invalid('ps-args', 'invalid ps_args: printable ASCII, at most 256 characters');
  for (const match of value.matchAll(/\s+([^\s]*)=\s*(PID[^\s]*)/g)) {
    if (match[1] !== 'pid') throw invalid('ps-args', `specifying "${match[1]}=${match[2]}" is not allowed`);
  }
  return value.split(' ').filter((arg) => arg !== '');
}

export function parsePs(output: string, pids: readonly number[]): TopResult {
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  const titles = (lines[0] ?? '').trim().split(/\s+/);
  const pidColumn = titles.indexOf('PID');
  if (pidColumn < 0) throw invalid('ps-args', "Couldn't find PID field in ps output");
  const wanted = new Set(pids);
  const processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    const row = [...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(' ')];
    if (wanted.has(Number(row[pidColumn]))) processes.push(row);
  }
  return { titles, processes };
}
