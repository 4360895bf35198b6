/**
 * OverlayPort over iproute2: a VXLAN device without learning and with ARP/ND proxy, whose
 * forwarding (mac -> vtep) and neighbour (address -> mac) entries are static and set by conet,
 * and plain routes marked with conet's own protocol number for the routed mode.
 *
 * Process budget: ensureVxlan is one query plus at most one `ip -batch` (none when the device is
 * already right); setPeers is two queries (run together) plus at most one `bridge -batch` and one
 * `ip -batch`; setPeerRoutes is one query plus at most one `ip -batch`. The diffs live in the
 * pure overlay-entries.ts.
 */
import { ExecError, run } from '../../exec/index.js';
import { system } from '../../errors/index.js';
import type { NetnsTarget, OverlayPort, PeerRoute, VxlanPeer, VxlanSpec } from '../ports.js';
import { inNetns } from './netns-argv.js';
import { isAlreadyExists, isNoSuchDevice } from './ip-errors.js';
import {
  CONET_ROUTE_PROTOCOL,
  checkDeviceName,
  checkVxlanSpec,
  findUnderlay,
  parseFdb,
  parseNeighbours,
  parseOwnedRoutes,
  parseVxlanLink,
  peerCommands,
  peerRouteCommands,
  vxlanConfigureCommands,
  vxlanCreateCommands,
  vxlanMatches,
  wantedEntries,
  wantedRoutes,
  type VxlanState,
} from './overlay-entries.js';

export { CONET_ROUTE_PROTOCOL, VXLAN_OVERHEAD_IPV4, VXLAN_OVERHEAD_IPV6 } from './overlay-entries.js';

const TIMEOUT_MS = 15_000;

async function tool(command: 'ip' | 'bridge', args: string[], target?: NetnsTarget, input?: string): Promise<string> {
  const argv = inNetns([command, ...args], target);
  const result = await run(argv, { timeoutMs: TIMEOUT_MS, ...(input === undefined ? {} : { input }) });
  return result.stdout;
}

/**
 * One `-batch -` run. With `force` the tool goes on past a failing line and still exits non-zero:
 * used where lines are independent (entries, routes), so one bad peer does not hold back the rest.
 */
function batch(command: 'ip' | 'bridge', lines: readonly string[], target?: NetnsTarget, force = false): Promise<string> {
  return tool(command, [...(force ? ['-force'] : []), '-batch', '-'], target, `${lines.join('\n')}\n`);
}

function detail(error: unknown): string {
  if (error instanceof ExecError) return error.stderr.trim() || error.message;
  return error instanceof Error ? error.message : String(error);
}

export class LinuxOverlay implements OverlayPort {
  async ensureVxlan(spec: VxlanSpec, target?: NetnsTarget): Promise<void> {
    checkVxlanSpec(spec);
    const current = await this.inspect(spec.name, target);
    if (current && current.kind !== 'vxlan') {
      throw system('kernel-conflict', `cannot create VXLAN device ${spec.name}: a ${current.kind || 'non-vxlan'} device with that name exists`);
    }
    if (current && vxlanMatches(spec, current)) {
      const commands = vxlanConfigureCommands(spec, current);
      if (commands.length === 0) return;
      try {
        await batch('ip', commands, target);
      } catch (error) {
        throw system('overlay-vxlan', `configure VXLAN device ${spec.name}: ${detail(error)}`, error);
      }
      return;
    }
    // A device of that name with another identity and without our alias is someone else's: never
    // replaced. (Same identity and a drifted alias is ours, set right above.)
    if (current && current.alias !== spec.alias) {
      throw system('kernel-conflict', `cannot create VXLAN device ${spec.name}: a device with that name exists and is not conet's`);
    }
    // Missing, or a VXLAN device of ours with other identity (vni, port, local, flags):
    // (re)created in one batch. A failure removes whatever part of it was made.
    const commands = [...(current ? [`link del dev ${spec.name}`] : []), ...vxlanCreateCommands(spec)];
    try {
      await batch('ip', commands, target);
    } catch (error) {
      // "File exists" on the add: someone made the name between our look and our add; it is not ours.
      if (!isAlreadyExists(error)) {
        await run(inNetns(['ip', 'link', 'del', 'dev', spec.name], target), { allowFailure: true, timeoutMs: TIMEOUT_MS });
      }
      throw system('overlay-vxlan', `create VXLAN device ${spec.name} (vni ${spec.vni}, local ${spec.local}, port ${spec.port}): ${detail(error)}`, error);
    }
  }

  async setPeers(device: string, peers: readonly VxlanPeer[], target?: NetnsTarget): Promise<void> {
    checkDeviceName(device);
    wantedEntries(peers); // validate before touching anything
    let fdbText: string;
    let neighText: string;
    try {
      [fdbText, neighText] = await Promise.all([
        tool('bridge', ['-json', 'fdb', 'show', 'dev', device], target),
        tool('ip', ['-json', 'neigh', 'show', 'dev', device], target),
      ]);
    } catch (error) {
      if (isNoSuchDevice(error)) throw system('overlay-device-missing', `VXLAN device ${device} does not exist`, error);
      throw system('overlay-peers', `read forwarding entries of ${device}: ${detail(error)}`, error);
    }
    const commands = peerCommands(device, peers, parseFdb(fdbText), parseNeighbours(neighText));
    // Forwarding entries first: a neighbour is only answered for once packets to it can leave.
    try {
      if (commands.bridge.length > 0) await batch('bridge', commands.bridge, target, true);
    } catch (error) {
      throw system('overlay-peers', `set forwarding entries of ${device}: ${detail(error)}`, error);
    }
    try {
      if (commands.ip.length > 0) await batch('ip', commands.ip, target, true);
    } catch (error) {
      throw system('overlay-peers', `set neighbour entries of ${device}: ${detail(error)}`, error);
    }
  }

  async setPeerRoutes(routes: readonly PeerRoute[], target?: NetnsTarget): Promise<void> {
    wantedRoutes(routes); // validate before touching anything
    let text: string;
    try {
      text = await tool('ip', ['-json', 'route', 'show', 'table', 'all', 'proto', String(CONET_ROUTE_PROTOCOL)], target);
    } catch (error) {
      throw system('overlay-routes', `list routes: ${detail(error)}`, error);
    }
    const commands = peerRouteCommands(routes, parseOwnedRoutes(text));
    if (commands.length === 0) return;
    try {
      await batch('ip', commands, target, true);
    } catch (error) {
      if (isAlreadyExists(error)) {
        throw system('overlay-route-conflict', `a route not made by conet is in the way of a peer route: ${detail(error)}`, error);
      }
      throw system('overlay-routes', `set peer routes: ${detail(error)}`, error);
    }
  }

  async underlayOf(address: string, target?: NetnsTarget): Promise<{ device: string; mtu: number }> {
    let text: string;
    try {
      text = await tool('ip', ['-json', 'addr', 'show'], target);
    } catch (error) {
      throw system('overlay-underlay', `list addresses: ${detail(error)}`, error);
    }
    const found = findUnderlay(text, address);
    if (!found) throw system('overlay-underlay-missing', `no interface has the address ${address} (the cluster advertise address must be assigned to a local interface)`);
    return found;
  }

  private async inspect(name: string, target?: NetnsTarget): Promise<VxlanState | undefined> {
    try {
      return parseVxlanLink(await tool('ip', ['-json', '-details', 'link', 'show', 'dev', name], target));
    } catch (error) {
      if (isNoSuchDevice(error)) return undefined;
      throw system('overlay-vxlan', `inspect ${name}: ${detail(error)}`, error);
    }
  }
}
