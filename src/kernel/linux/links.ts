/**
 * LinkPort over iproute2. Reads use `ip -json`; changes for one object are batched into a single
 * `ip -batch -` so a bridge costs one query plus one spawn, whatever its number of addresses.
 * Given an IpSession (the daemon's), work in the daemon's own namespace goes through that live
 * `ip` instead and spawns nothing; another namespace (a target) still gets its own `ip`.
 */
import { run } from '../../exec/index.js';
import { system } from '../../errors/index.js';
import type { AddressInfo, BridgeSpec, LinkInfo, LinkPort, NetnsTarget, RouteInfo } from '../ports.js';
import { inNetns } from './netns-argv.js';
import { parseAddresses, parseLinks, parseRoutes } from './ip-json.js';
import { isNoSuchDevice } from './ip-errors.js';
import { batchLine, batchScript, quoted } from './batch-script.js';
import type { IpSession } from './ip-session.js';

const TIMEOUT_MS = 15_000;

async function ip(args: string[], target?: NetnsTarget, input?: string): Promise<string> {
  const argv = inNetns(['ip', ...args], target);
  const result = await run(argv, { timeoutMs: TIMEOUT_MS, ...(input === undefined ? {} : { input }) });
  return result.stdout;
}

function ipFailure(action: string, error: unknown): Error {
  const detail = error instanceof Error ? error.message : String(error);
  return system('kernel-ip', `${action}: ${detail}`, error);
}

export class LinuxLinks implements LinkPort {
  constructor(private readonly session?: IpSession) {}

  async listLinks(target?: NetnsTarget): Promise<LinkInfo[]> {
    if (this.session && !target?.netns) return parseLinks((await this.session.run(['addr show']))[0] ?? '[]');
    return parseLinks(await ip(['-json', '-details', 'link', 'show'], target));
  }

  async listAddresses(target?: NetnsTarget): Promise<AddressInfo[]> {
    if (this.session && !target?.netns) return parseAddresses((await this.session.run(['addr show']))[0] ?? '[]');
    return parseAddresses(await ip(['-json', 'addr', 'show'], target));
  }

  async listRoutes(target?: NetnsTarget): Promise<RouteInfo[]> {
    if (this.session && !target?.netns) {
      // A root prefix picks the family (the session has no -4/-6 per line).
      const [v4 = '[]', v6 = '[]'] = await this.session.run(['route show table all root 0.0.0.0/0', 'route show table all root ::/0']);
      return [...parseRoutes(v4), ...parseRoutes(v6)];
    }
    const [v4, v6] = await Promise.all([
      ip(['-json', '-4', 'route', 'show', 'table', 'all'], target),
      ip(['-json', '-6', 'route', 'show', 'table', 'all'], target),
    ]);
    return [...parseRoutes(v4), ...parseRoutes(v6)];
  }

  async ensureBridge(spec: BridgeSpec, target?: NetnsTarget): Promise<{ owned: boolean }> {
    const current = await this.inspectLink(spec.name, target);
    if (current && current.link.kind !== 'bridge') {
      throw system('kernel-conflict', `cannot create bridge ${spec.name}: a ${current.link.kind || 'non-bridge'} device with that name exists`);
    }
    const owned = !current || current.link.alias === spec.alias;
    const commands = owned ? bridgeCommands(spec, current?.addresses) : foreignBridgeCommands(spec, current.addresses);
    // The alias right after the add: a bridge we made carries our marker from its first moment.
    if (!current) commands.unshift(batchLine`link add name ${spec.name} type bridge`, batchLine`link set dev ${spec.name} alias ${quoted(spec.alias)}`);
    try {
      await this.batch(commands, target);
    } catch (error) {
      throw ipFailure(`configure bridge ${spec.name}`, error);
    }
    return { owned };
  }

  async deleteLink(name: string, target?: NetnsTarget): Promise<void> {
    try {
      if (this.session && !target?.netns) await this.session.run([batchLine`link del dev ${name}`]);
      else await ip(['link', 'del', 'dev', name], target);
    } catch (error) {
      if (isNoSuchDevice(error)) return;
      throw ipFailure(`delete link ${name}`, error);
    }
  }

  async deleteOwnedLink(name: string, alias: string, target?: NetnsTarget): Promise<boolean> {
    const current = await this.inspectLink(name, target);
    if (!current || current.link.alias !== alias) return false;
    await this.deleteLink(name, target);
    return true;
  }

  private async inspectLink(name: string, target?: NetnsTarget): Promise<{ link: LinkInfo; addresses: AddressInfo[] } | undefined> {
    try {
      const text = this.session && !target?.netns ? (await this.session.run([batchLine`addr show dev ${name}`]))[0] ?? '[]' : await ip(['-json', '-details', 'addr', 'show', 'dev', name], target);
      const link = parseLinks(text)[0];
      return link ? { link, addresses: parseAddresses(text) } : undefined;
    } catch (error) {
      if (isNoSuchDevice(error)) return undefined;
      throw ipFailure(`inspect link ${name}`, error);
    }
  }

  private async batch(commands: string[], target?: NetnsTarget): Promise<void> {
    const script = batchScript(commands);
    if (this.session && !target?.netns) await this.session.run(commands);
    else await ip(['-batch', '-'], target, script);
  }
}

/** The changes that make an existing (or new) bridge of ours match its spec. Pure, so it is unit-tested. */
export function bridgeCommands(spec: BridgeSpec, existing: AddressInfo[] = []): string[] {
  const wanted = new Set<string>(spec.addresses);
  const commands = [spec.mac ? batchLine`link set dev ${spec.name} mtu ${spec.mtu} address ${spec.mac}` : batchLine`link set dev ${spec.name} mtu ${spec.mtu}`];
  // alias may contain ':'; quoted for ip's batch tokenizer.
  commands.push(batchLine`link set dev ${spec.name} alias ${quoted(spec.alias)}`);
  const have = new Set<string>();
  for (const address of existing) {
    const cidr = `${address.address}/${address.prefixLength}`;
    if (address.family === 'inet6' && address.address.toLowerCase().startsWith('fe80:')) continue;
    if (wanted.has(cidr)) have.add(cidr);
    else commands.push(batchLine`addr del ${cidr} dev ${spec.name}`);
  }
  for (const cidr of spec.addresses) if (!have.has(cidr)) commands.push(batchLine`addr add ${cidr} dev ${spec.name}`);
  commands.push(batchLine`link set dev ${spec.name} up`);
  return commands;
}

/**
 * A bridge someone else made (named by com.docker.network.bridge.name): as moby, it is used as
 * it is and brought up; unlike moby (which swaps one IPv4 address for its gateway) nothing of it
 * is removed or changed: only the gateway addresses it lacks are added.
 */
export function foreignBridgeCommands(spec: BridgeSpec, existing: AddressInfo[]): string[] {
  const have = new Set(existing.map((address) => `${address.address}/${address.prefixLength}`));
  const commands = spec.addresses.filter((cidr) => !have.has(cidr)).map((cidr) => batchLine`addr add ${cidr} dev ${spec.name}`);
  commands.push(batchLine`link set dev ${spec.name} up`);
  return commands;
}
