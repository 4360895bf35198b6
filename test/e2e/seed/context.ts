/**
 * Shared context for the seed transcript tests: one host, an outside namespace, the real docker
 * CLI, and small helpers to state what each step demonstrates.
 *
 * No image is imported: a plain-HTTP registry (test/helpers/registry.ts) runs in the host's
 * namespace on an address of its loopback link, the stand-ins are pushed into it under the seed's
 * Docker Hub names (registry-images.ts pushStandIns: library/nginx:1.9.1 and latest,
 * training/webapp, library/ubuntu:14.04, library/busybox), and conetd starts with it as its
 * `registry-mirrors` entry (and in `insecure-registries`, as Docker wants for an http mirror). So
 * the seed's commands, typed as the document has them, pull `nginx:1.9.1` from docker.io through
 * the mirror; the registry's access log shows it.
 */
import assert from 'node:assert/strict';
import { run, type RunResult } from '../../../src/exec/index.js';
import { TestHost } from '../../helpers/host.js';
import { HOST_ADDRESS, Outside, httpGet } from '../../helpers/outside.js';
import { pushStandIns } from '../../helpers/registry-images.js';
import { TestRegistry, addAddress } from '../../helpers/registry.js';

export { HOST_ADDRESS };

/** The mirror's address, on the host namespace's lo: not 127/8, so not trusted by default. */
export const MIRROR_ADDRESS = '10.252.0.1';
const MIRROR_PORT = 5000;

export class Seed {
  readonly ids = new Map<string, string>();

  private constructor(readonly host: TestHost, readonly mirror: TestRegistry, readonly outside: Outside) {}

  static async create(): Promise<Seed> {
    let mirror: TestRegistry | undefined;
    let host: TestHost | undefined;
    try {
      const address = `${MIRROR_ADDRESS}:${MIRROR_PORT}`;
      host = await TestHost.create({
        config: { 'registry-mirrors': [`http://${address}`], 'insecure-registries': [address] },
        beforeStart: async (made) => {
          await addAddress(made.netnsPath, `${MIRROR_ADDRESS}/32`);
          mirror = await TestRegistry.start({ netns: made.netnsPath, address: MIRROR_ADDRESS, port: MIRROR_PORT });
          await pushStandIns(mirror);
        },
      });
      if (!mirror) throw new Error('seed: the mirror did not start');
      return new Seed(host, mirror, await Outside.create(host));
    } catch (error) {
      await host?.dispose();
      await mirror?.stop();
      throw error;
    }
  }

  /** Answered GETs of a repository's manifest (by tag or digest) in the mirror's access log. */
  async manifestGets(repository: string): Promise<string[]> {
    const prefix = `/v2/${repository}/manifests/`;
    return (await this.mirror.accessLog()).filter((entry) => entry.method === 'GET' && entry.status === 200 && entry.path.startsWith(prefix)).map((entry) => entry.path.slice(prefix.length));
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
    try {
      await this.outside.dispose();
      await this.host.dispose();
    } finally {
      await this.mirror.stop();
    }
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
