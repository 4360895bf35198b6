/**
 * An "outside" machine for a test host: its own namespace, a veth to the host (10.250.0.1/30 on
 * the host, .2 outside) and a default route to the host, so traffic from it reaches published
 * ports the way a client on the LAN would. IPv6 likewise: fd00:250::1/64 on the host, ::2 outside
 * (nodad, so they are usable at once), default v6 route to the host; the outside has no route to
 * any container subnet of either family.
 */
import { randomBytes } from 'node:crypto';
import { run, type RunResult } from '../../src/exec/index.js';
import type { TestHost } from './host.js';

export const HOST_ADDRESS = '10.250.0.1';
export const OUTSIDE_ADDRESS = '10.250.0.2';
export const HOST_ADDRESS6 = 'fd00:250::1';
export const OUTSIDE_ADDRESS6 = 'fd00:250::2';

export class Outside {
  private constructor(readonly netns: string) {}

  static async create(host: TestHost): Promise<Outside> {
    const netns = `conet-t-out-${randomBytes(4).toString('hex')}`;
    await run(['ip', 'netns', 'add', netns]);
    const outside = new Outside(netns);
    try {
      await run(['ip', '-n', host.netns, 'link', 'add', 'ext0', 'type', 'veth', 'peer', 'name', 'lan0', 'netns', netns]);
      await run(['ip', '-n', host.netns, 'addr', 'add', `${HOST_ADDRESS}/30`, 'dev', 'ext0']);
      await run(['ip', '-n', host.netns, 'link', 'set', 'ext0', 'up']);
      await run(['ip', '-n', netns, 'addr', 'add', `${OUTSIDE_ADDRESS}/30`, 'dev', 'lan0']);
      await run(['ip', '-n', netns, 'link', 'set', 'lan0', 'up']);
      await run(['ip', '-n', netns, 'link', 'set', 'lo', 'up']);
      await run(['ip', '-n', netns, 'route', 'add', 'default', 'via', HOST_ADDRESS]);
      await run(['ip', '-n', host.netns, 'addr', 'add', `${HOST_ADDRESS6}/64`, 'dev', 'ext0', 'nodad']);
      await run(['ip', '-n', netns, 'addr', 'add', `${OUTSIDE_ADDRESS6}/64`, 'dev', 'lan0', 'nodad']);
      await run(['ip', '-n', netns, '-6', 'route', 'add', 'default', 'via', HOST_ADDRESS6]);
      return outside;
    } catch (error) {
      await outside.dispose();
      throw error;
    }
  }

  /** HTTP GET from the outside namespace; stdout is the body. */
  fetch(url: string): Promise<RunResult> {
    return httpGet(`/run/netns/${this.netns}`, url);
  }

  async dispose(): Promise<void> {
    await run(['ip', 'netns', 'del', this.netns], { allowFailure: true });
  }
}

/** HTTP GET from inside any namespace file, with busybox wget (never `-T`: it crashes). */
export function httpGet(netnsPath: string, url: string): Promise<RunResult> {
  return run(['nsenter', `--net=${netnsPath}`, 'timeout', '5', '/usr/bin/busybox', 'wget', '-q', '-O', '-', url], { allowFailure: true, timeoutMs: 10_000 });
}
