/**
 * Shared context for the seed transcript tests: one host with the stand-in images and an outside
 * namespace, the real docker CLI, and small helpers to state what each step demonstrates.
 */
import assert from 'node:assert/strict';
import { run, type RunResult } from '../../../src/exec/index.js';
import { TestHost } from '../../helpers/host.js';
import { standInImages } from '../../helpers/images.js';
import { HOST_ADDRESS, Outside, httpGet } from '../../helpers/outside.js';

export { HOST_ADDRESS };

export class Seed {
  readonly ids = new Map<string, string>();

  private constructor(readonly host: TestHost, readonly outside: Outside) {}

  static async create(): Promise<Seed> {
    const host = await TestHost.create();
    try {
      await standInImages(host);
      return new Seed(host, await Outside.create(host));
    } catch (error) {
      await host.dispose();
      throw error;
    }
  }

  /** The docker command of a step; asserts its exit code. */
  async docker(args: string[], expectCode = 0): Promise<RunResult> {
    const result = await this.host.docker(args);
    assert.equal(result.code, expectCode, `docker ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
    return result;
  }

  async out(args: string[]): Promise<string> {
    return (await this.docker(args)).stdout.trim();
  }

  /** A command in the host's namespace (the transcript's `ip netns exec anchor-docker ...`). */
  async inHost(argv: string[]): Promise<string> {
    return (await run(['nsenter', `--net=${this.host.netnsPath}`, ...argv], { timeoutMs: 15_000 })).stdout;
  }

  /** A command in a container's network namespace (the transcript's `nsenter -t PID -n ...`). */
  async inContainer(name: string, argv: string[]): Promise<string> {
    const pid = await this.out(['inspect', '-f', '{{.State.Pid}}', name]);
    return (await run(['nsenter', '-t', pid, '-n', ...argv], { timeoutMs: 15_000 })).stdout;
  }

  fetchFromHost(url: string): Promise<RunResult> {
    return httpGet(this.host.netnsPath, url);
  }

  async dispose(): Promise<void> {
    await this.outside.dispose();
    await this.host.dispose();
  }
}

/** "inet 172.17.0.3/16" lines of `ip addr` output. */
export function inet(text: string): string[] {
  return [...text.matchAll(/inet (\d+\.\d+\.\d+\.\d+\/\d+)/g)].map((match) => match[1] ?? '');
}

/** Interface names of `ip addr` output ("1: lo:", "6: eth0@if7:"). */
export function interfaces(text: string): string[] {
  return [...text.matchAll(/^\d+: ([^:@]+)[@:]/gm)].map((match) => match[1] ?? '');
}

/** Polls until check passes (a server in a just-started container may not listen yet). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
