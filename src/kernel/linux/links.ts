/**
 * LinkPort over iproute2. Reads use `ip -json`; changes for one object are batched into a single
 * `ip -batch -` so a bridge costs one query plus one spawn, whatever its number of addresses.
 */
import { run } from '../../exec/index.js';
import { system } from '../../errors/index.js';
import type { AddressInfo, BridgeSpec, LinkInfo, LinkPort, NetnsTarget, RouteInfo } from '../ports.js';
import { inNetns } from './netns-argv.js';
import { parseAddresses, parseLinks, parseRoutes } from './ip-json.js';
import { isNoSuchDevice } from './ip-errors.js';

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
  async listLinks(target?: NetnsTarget): Promise<LinkInfo[]> {
    return parseLinks(await ip(['-json', '-details', 'link', 'show'], target));
  }

  async listAddresses(target?: NetnsTarget): Promise<AddressInfo[]> {
    return parseAddresses(await ip(['-json', 'addr', 'show'], target));
  }

  async listRoutes(target?: NetnsTarget): Promise<RouteInfo[]> {
    const [v4, v6] = await Promise.all([
      ip(['-json', '-4', 'route', 'show', 'table', 'all'], target),
      ip(['-json', '-6', 'route', 'show', 'table', 'all'], target),
    ]);
    return [...parseRoutes(v4), ...parseRoutes(v6)];
  }

  async ensureBridge(spec: BridgeSpec, target?: NetnsTarget): Promise<void> {
    let current: { link: LinkInfo; addresses: AddressInfo[] } | undefined;
    try {
      const text = await ip(['-json', '-details', 'addr', 'show', 'dev', spec.name], target);
      const link = parseLinks(text)[0];
      if (link) current = { link, addresses: parseAddresses(text) };
    } catch (error) {
      if (!isNoSuchDevice(error)) throw ipFailure(`inspect bridge ${spec.name}`, error);
    }
    if (current && current.link.kind !== 'bridge') {
      throw system('kernel-conflict', `cannot create bridge ${spec.name}: a ${current.link.kind || 'non-bridge'} device with that name exists`);
    }
    const commands = bridgeCommands(spec, current?.addresses);
    if (!current) commands.unshift(`link add name ${spec.name} type bridge`);
    try {
      await ip(['-batch', '-'], target, commands.join('\n') + '\n');
    } catch (error) {
      throw ipFailure(`configure bridge ${spec.name}`, error);
    }
  }

  async deleteLink(name: string, target?: NetnsTarget): Promise<void> {
    try {
      await ip(['link', 'del', 'dev', name], target);
    } catch (error) {
      if (isNoSuchDevice(error)) return;
      throw ipFailure(`delete link ${name}`, error);
    }
  }
}

/** The changes that make an existing (or new) bridge match its spec. Pure, so it is unit-tested. */
export function bridgeCommands(spec: BridgeSpec, existing: AddressInfo[] = []): string[] {
  const wanted = new Set(spec.addresses);
  const commands: string[] = [];
  const linkSet = [`link set dev ${spec.name} mtu ${spec.mtu}`];
  if (spec.mac) linkSet.push(`address ${spec.mac}`);
  commands.push(linkSet.join(' '));
  // alias may contain ':'; quoted for ip's batch tokenizer.
  commands.push(`link set dev ${spec.name} alias "${spec.alias}"`);
  const have = new Set<string>();
  for (const address of existing) {
    const cidr = `${address.address}/${address.prefixLength}`;
    if (address.family === 'inet6' && address.address.toLowerCase().startsWith('fe80:')) continue;
    if (wanted.has(cidr)) have.add(cidr);
    else commands.push(`addr del ${cidr} dev ${spec.name}`);
  }
  for (const cidr of spec.addresses) if (!have.has(cidr)) commands.push(`addr add ${cidr} dev ${spec.name}`);
  commands.push(`link set dev ${spec.name} up`);
  return commands;
}
