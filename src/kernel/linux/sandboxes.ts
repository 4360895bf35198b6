/**
 * Container network namespaces ("sandboxes") and the veth pairs that plug them into a bridge.
 * Process count is what decides latency here (each spawn costs 2-4 ms), so joining a sandbox to
 * a bridge is two `ip -batch` runs whatever the number of addresses: one in the host namespace
 * that creates the namespace if needed and the veth with its peer born inside it (moving a
 * device between namespaces afterwards costs ~20 ms), one inside the sandbox for addresses and
 * routes. Given the daemon's IpSession, removing a host end goes through that live `ip` (no
 * spawn); making one names the sandbox (`peer ... netns S`), which the session refuses (it would
 * keep the namespace open), so it stays a spawned `ip -batch`.
 */
import { run } from '../../exec/index.js';
import { system } from '../../errors/index.js';
import { createLogger, type Logger } from '../../util/logger.js';
import { runUndo } from '../../util/undo.js';
import type { NetnsTarget, SandboxPort, VethSpec } from '../ports.js';
import { inNetns } from './netns-argv.js';
import { isAlreadyExists, isNoSuchDevice } from './ip-errors.js';
import { batchLine, batchScript } from './batch-script.js';
import type { IpSession } from './ip-session.js';
import { isIpv6, type InterfaceName, type IpAddressText, type NetnsName } from '../../util/kernel-values.js';

const NETNS_DIR = '/run/netns';
const TIMEOUT_MS = 15_000;

function failure(action: string, error: unknown): Error {
  return system('kernel-sandbox', `${action}: ${error instanceof Error ? error.message : String(error)}`, error);
}

export class LinuxSandboxes implements SandboxPort {
  /** Rollback steps that fail are logged here. */
  constructor(
    private readonly logger: Logger = createLogger('warn'),
    private readonly session?: IpSession,
  ) {}

  path(name: string): string {
    return `${NETNS_DIR}/${name}`;
  }

  async create(name: string, target?: NetnsTarget): Promise<string> {
    try {
      await run(inNetns(['ip', 'netns', 'add', name], target), { timeoutMs: TIMEOUT_MS });
      await run(['ip', '-n', name, 'link', 'set', 'lo', 'up'], { timeoutMs: TIMEOUT_MS });
    } catch (error) {
      throw failure(`create network namespace ${name}`, error);
    }
    return this.path(name);
  }

  async remove(name: string): Promise<void> {
    const result = await run(['ip', 'netns', 'del', name], { allowFailure: true, timeoutMs: TIMEOUT_MS });
    if (result.code !== 0 && !/No such file|Invalid argument|not found/i.test(result.stderr)) {
      throw failure(`delete network namespace ${name}`, new Error(result.stderr.trim()));
    }
  }

  async exists(name: string): Promise<boolean> {
    return (await this.list()).includes(name);
  }

  async list(): Promise<string[]> {
    const result = await run(['ip', 'netns', 'list'], { timeoutMs: TIMEOUT_MS });
    return result.stdout.split('\n').map((line) => line.split(' ')[0] ?? '').filter((name) => name !== '');
  }

  async plugVeth(spec: VethSpec, target?: NetnsTarget): Promise<void> {
    try {
      await run(inNetns(['ip', '-batch', '-'], target), { input: hostCommands(spec), timeoutMs: TIMEOUT_MS });
    } catch (error) {
      // ip -batch stops at the failing line, so the pair exists when enslaving failed (no such
      // bridge). "File exists" means the pair was not made and the name is someone else's. Best
      // effort, silent: the error worth reporting is the one thrown below.
      if (!isAlreadyExists(error)) await this.unplugVeth(spec.hostName, target).catch(() => undefined);
      throw failure(`create veth ${spec.hostName} for ${spec.sandbox}`, error);
    }
    try {
      await run(['ip', '-n', spec.sandbox, '-batch', '-'], { input: sandboxCommands(spec), timeoutMs: TIMEOUT_MS });
    } catch (error) {
      await runUndo([{ name: `delete veth ${spec.hostName}`, run: () => this.unplugVeth(spec.hostName, target) }], this.logger, { sandbox: spec.sandbox });
      throw failure(`configure ${spec.ifname} in ${spec.sandbox}`, error);
    }
  }

  async setDefaultRoute(sandbox: NetnsName, family: 4 | 6, via?: { gateway: IpAddressText; ifname: InterfaceName }): Promise<void> {
    const flag = family === 4 ? '-4' : '-6';
    if (via) {
      await run(['ip', flag, '-n', sandbox, 'route', 'replace', 'default', 'via', via.gateway, 'dev', via.ifname], { timeoutMs: TIMEOUT_MS }).catch((error: unknown) => {
        throw failure(`default route via ${via.gateway} dev ${via.ifname} in ${sandbox}`, error);
      });
      return;
    }
    // No default route of that family is success too ("No such process").
    await run(['ip', flag, '-n', sandbox, 'route', 'del', 'default'], { allowFailure: true, timeoutMs: TIMEOUT_MS });
  }

  async unplugVeth(hostName: string, target?: NetnsTarget): Promise<void> {
    try {
      await this.hostBatch(batchScript([batchLine`link del dev ${hostName}`]), target);
    } catch (error) {
      if (!isNoSuchDevice(error)) throw failure(`delete veth ${hostName}`, error);
    }
  }

  /** One script in the host namespace: through the session when there is one and no other target. */
  private async hostBatch(script: string, target?: NetnsTarget): Promise<void> {
    if (this.session && !target?.netns) await this.session.run(script.split('\n').filter((line) => line !== ''));
    else await run(inNetns(['ip', '-batch', '-'], target), { input: script, timeoutMs: TIMEOUT_MS });
  }
}

/** Host side: the namespace when asked, the pair, the peer created directly in the sandbox, the host end on the bridge. */
export function hostCommands(spec: VethSpec): string {
  const create = spec.createSandbox ? [batchLine`netns add ${spec.sandbox}`] : [];
  return batchScript([
    ...create,
    batchLine`link add name ${spec.hostName} mtu ${spec.mtu} type veth peer name ${spec.ifname} netns ${spec.sandbox} address ${spec.mac} mtu ${spec.mtu}`,
    batchLine`link set dev ${spec.hostName} master ${spec.bridge} up`,
    // With br_netfilter, a container reaching its own published port is DNAT-ed back out of the
    // port it came in on; without hairpin mode the bridge drops that frame (Docker sets it too
    // when it runs without the userland proxy).
    // icc=false: isolated ports never forward frames to each other in the bridge itself, so the
    // block holds with br_netfilter off (the nft rule only sees bridged frames when it is on).
    spec.isolated ? batchLine`link set dev ${spec.hostName} type bridge_slave hairpin on isolated on` : batchLine`link set dev ${spec.hostName} type bridge_slave hairpin on`,
  ]);
}

/** Sandbox side (veth or macvlan): addresses, up, default routes via the gateways. */
export function interfaceCommands(spec: Pick<VethSpec, 'ifname' | 'addresses' | 'gateway4' | 'gateway6'>): string {
  const lines = spec.addresses.map((cidr) => (isIpv6(cidr) ? batchLine`addr add ${cidr} dev ${spec.ifname} nodad` : batchLine`addr add ${cidr} dev ${spec.ifname}`));
  lines.push(batchLine`link set dev ${spec.ifname} up`, 'link set dev lo up');
  if (spec.gateway4) lines.push(batchLine`route replace default via ${spec.gateway4} dev ${spec.ifname}`);
  if (spec.gateway6) lines.push(batchLine`route replace default via ${spec.gateway6} dev ${spec.ifname}`);
  return batchScript(lines);
}

export const sandboxCommands = interfaceCommands;
