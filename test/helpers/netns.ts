/**
 * Throwaway network namespaces for privileged tests. Every name carries a prefix and a random
 * suffix so parallel runs never collide, and a NetnsSandbox deletes all it made in `finally`,
 * also after a failure. Everything goes through run() from src/exec: argv only, no shell.
 */
import { randomBytes } from 'node:crypto';
import { run, type RunOptions, type RunResult } from '../../src/exec/index.js';

export interface Netns {
  name: string;
  /** Namespace file, for `nsenter --net=PATH` and NetnsTarget.netns. */
  path: string;
}

type NetnsRef = Netns | string;
const nameOf = (ns: NetnsRef): string => (typeof ns === 'string' ? ns : ns.name);

/** Creates `<prefix>-<8 hex>` with its loopback up. */
export async function createNetns(prefix: string): Promise<Netns> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  await run(['ip', 'netns', 'add', name]);
  const ns = { name, path: `/run/netns/${name}` };
  try {
    await run(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
  } catch (error) {
    await deleteNetns(ns);
    throw error;
  }
  return ns;
}

/**
 * Deletes a namespace; one that is already gone is success. Processes still inside (a test server)
 * would keep the namespace alive after its file is removed, so they are killed first, by pid.
 */
export async function deleteNetns(ns: NetnsRef): Promise<void> {
  const name = nameOf(ns);
  const pids = await run(['ip', 'netns', 'pids', name], { allowFailure: true });
  for (const pid of pids.stdout.split('\n').map(Number).filter((value) => value > 0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already exited
    }
  }
  const result = await run(['ip', 'netns', 'delete', name], { allowFailure: true });
  if (result.code !== 0 && !/No such file or directory/.test(result.stderr)) {
    throw new Error(`deleting netns ${name} failed: ${result.stderr.trim()}`);
  }
}

/** Names of existing namespaces that start with a prefix (for leak checks). */
export async function listNetns(prefix: string): Promise<string[]> {
  const { stdout } = await run(['ip', 'netns', 'list']);
  return stdout.split('\n').map((line) => line.split(' ')[0] ?? '').filter((name) => name.startsWith(prefix));
}

/** Runs argv inside the namespace. */
export function execIn(ns: NetnsRef, argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return run(['ip', 'netns', 'exec', nameOf(ns), ...argv], options);
}

/** `ip -n NS args...` */
export function ipIn(ns: NetnsRef, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return run(['ip', '-n', nameOf(ns), ...args], options);
}

/** Several `ip` commands for one namespace in a single spawn. */
export function ipBatch(ns: NetnsRef, lines: readonly string[]): Promise<RunResult> {
  return run(['ip', '-n', nameOf(ns), '-batch', '-'], { input: `${lines.join('\n')}\n` });
}

export function setSysctl(ns: NetnsRef, key: string, value: string): Promise<RunResult> {
  return execIn(ns, ['sysctl', '-qw', `${key}=${value}`]);
}

/**
 * A veth pair with one end `name` in `ns` and the other end created directly in `peer.ns` as
 * `peer.name`, so no interface ever appears in the caller's own namespace. Both ends stay down.
 */
export async function addVethPair(ns: NetnsRef, name: string, peer: { ns: NetnsRef; name: string }): Promise<void> {
  await ipIn(ns, ['link', 'add', name, 'type', 'veth', 'peer', 'name', peer.name, 'netns', nameOf(peer.ns)]);
}

/** Collects namespaces and deletes them all (in reverse order) on cleanup, reporting every failure. */
export class NetnsSandbox {
  readonly #created: Netns[] = [];

  constructor(readonly prefix: string) {}

  async create(role: string): Promise<Netns> {
    const ns = await createNetns(`${this.prefix}-${role}`);
    this.#created.push(ns);
    return ns;
  }

  async cleanup(): Promise<void> {
    const errors: unknown[] = [];
    for (const ns of this.#created.reverse()) {
      try {
        await deleteNetns(ns);
      } catch (error) {
        errors.push(error);
      }
    }
    this.#created.length = 0;
    if (errors.length > 0) throw new AggregateError(errors, 'netns cleanup failed');
  }
}
