/**
 * The macvlan driver's `-o` options, decoded as Docker's macvlan driver reads them: `parent`
 * (IFACE, or IFACE.VLAN for an 802.1q sub-interface made on demand), `macvlan_mode` and the
 * generic MTU. No parent, or `--internal`, means a dummy parent `dm-<12 hex>` (Docker does the
 * same: such a network reaches nothing but its own containers).
 */
import { invalid } from '../../errors/index.js';
import type { MacvlanMode } from '../../kernel/ports.js';
import type { Network } from '../../model/network.js';

export const PARENT = 'parent';
export const MACVLAN_MODE = 'macvlan_mode';
export const DRIVER_MTU = 'com.docker.network.driver.mtu';
const MODES: readonly MacvlanMode[] = ['bridge', 'private', 'vepa', 'passthru'];
/** Linux interface names: 1-15 bytes; we also refuse anything ip could read as syntax. */
const INTERFACE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

export type ParentKind =
  /** An existing interface, used as it is. */
  | { kind: 'link' }
  /** IFACE.VLAN: used if it exists, else created on IFACE (and then ours to remove). */
  | { kind: 'vlan'; link: string; vlanId: number }
  /** No parent or --internal: a dummy of our own. */
  | { kind: 'dummy' };

export interface MacvlanOptions {
  parent: string;
  parentKind: ParentKind;
  mode: MacvlanMode;
  mtu?: number;
}

export function dummyName(networkId: string): string {
  return `dm-${networkId.slice(0, 12)}`;
}

export function decodeMacvlanOptions(network: Pick<Network, 'id' | 'options' | 'internal'>): MacvlanOptions {
  const options = network.options;
  const mode = (options[MACVLAN_MODE] ?? 'bridge') as MacvlanMode;
  if (!MODES.includes(mode)) {
    throw invalid('macvlan-option', `requested macvlan mode '${options[MACVLAN_MODE]}' is not valid, 'bridge' mode is the macvlan driver default`);
  }
  let mtu: number | undefined;
  const rawMtu = options[DRIVER_MTU];
  if (rawMtu !== undefined) {
    mtu = /^\d{1,5}$/.test(rawMtu) ? Number(rawMtu) : NaN;
    if (!(mtu >= 68 && mtu <= 65535)) {
      throw invalid('macvlan-option', `invalid value ${JSON.stringify(rawMtu)} for option ${DRIVER_MTU}: expected an MTU between 68 and 65535`);
    }
  }
  const given = options[PARENT] ?? '';
  // Docker: an empty parent and --internal are handled the same.
  if (given === '' || network.internal) return { parent: dummyName(network.id), parentKind: { kind: 'dummy' }, mode, ...(mtu === undefined ? {} : { mtu }) };
  if (!INTERFACE_NAME.test(given) || given === '.' || given === '..') {
    throw invalid('macvlan-option', `invalid parent interface ${JSON.stringify(given)}: use 1-15 characters of [A-Za-z0-9_.-]`);
  }
  if (given === 'lo') throw invalid('macvlan-option', 'loopback interface is not a valid macvlan parent link');
  let parentKind: ParentKind = { kind: 'link' };
  const vlan = /^(.+)\.(\d+)$/.exec(given);
  if (vlan) {
    const vlanId = Number(vlan[2]);
    if (!(vlanId >= 1 && vlanId <= 4094)) throw invalid('macvlan-option', `vlan id must be between 1-4094, received: ${vlan[2]}`);
    parentKind = { kind: 'vlan', link: vlan[1] ?? '', vlanId };
  }
  return { parent: given, parentKind, mode, ...(mtu === undefined ? {} : { mtu }) };
}
