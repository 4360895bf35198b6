/**
 * The bridge driver's `-o` options, decoded as Docker's bridge driver reads them. Values are kept
 * on the network as given (inspect shows them verbatim); this module says what they mean.
 */
import { invalid } from '../../errors/index.js';
import { parseBool } from '../../util/bool.js';
import { shortId } from '../../util/ids.js';
import type { Network } from '../../model/network.js';
import { parseInterfaceName, type InterfaceName } from '../../util/kernel-values.js';

export const BRIDGE_NAME = 'com.docker.network.bridge.name';
export const ENABLE_MASQUERADE = 'com.docker.network.bridge.enable_ip_masquerade';
export const ENABLE_ICC = 'com.docker.network.bridge.enable_icc';
export const HOST_BINDING_IPV4 = 'com.docker.network.bridge.host_binding_ipv4';
export const DEFAULT_BRIDGE = 'com.docker.network.bridge.default_bridge';
export const DRIVER_MTU = 'com.docker.network.driver.mtu';
export const GATEWAY_MODE_IPV4 = 'com.docker.network.bridge.gateway_mode_ipv4';

export interface BridgeOptions {
  bridgeName: InterfaceName;
  masquerade: boolean;
  icc: boolean;
  hostBindingIpv4: string;
  mtu: number;
  defaultBridge: boolean;
  /** gateway_mode_ipv4=routed: IPv4 routed, not NATed (docs/firewall.md). */
  routed4: boolean;
}

/** Docker 28's gateway modes that conet implements; `nat` is the default. */
const GATEWAY_MODES = ['nat', 'routed'];

function routed4(options: Record<string, string>): boolean {
  const raw = options[GATEWAY_MODE_IPV4];
  if (raw === undefined || raw === '') return false;
  if (!GATEWAY_MODES.includes(raw)) {
    throw invalid('bridge-option', `invalid value ${JSON.stringify(raw)} for option ${GATEWAY_MODE_IPV4}: expected nat or routed`);
  }
  return raw === 'routed';
}

/** Linux interface names: 1-15 bytes; we also refuse anything nft or ip could read as syntax. */
const INTERFACE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function bool(options: Record<string, string>, key: string, fallback: boolean): boolean {
  const raw = options[key];
  if (raw === undefined) return fallback;
  const value = parseBool(raw);
  if (value === undefined) throw invalid('bridge-option', `invalid value ${JSON.stringify(raw)} for option ${key}: expected true or false`);
  return value;
}

export function validInterfaceName(name: string): boolean {
  return INTERFACE_NAME.test(name) && name !== '.' && name !== '..';
}

export function decodeBridgeOptions(network: Pick<Network, 'id' | 'options'>, defaults: { mtu: number }): BridgeOptions {
  const options = network.options;
  const bridgeName = options[BRIDGE_NAME] ?? `br-${shortId(network.id)}`;
  if (!validInterfaceName(bridgeName)) {
    throw invalid('bridge-option', `invalid bridge name ${JSON.stringify(bridgeName)}: use 1-15 characters of [A-Za-z0-9_.-]`);
  }
  const hostBindingIpv4 = options[HOST_BINDING_IPV4] ?? '0.0.0.0';
  if (!IPV4.test(hostBindingIpv4)) {
    throw invalid('bridge-option', `invalid value ${JSON.stringify(hostBindingIpv4)} for option ${HOST_BINDING_IPV4}: expected an IPv4 address`);
  }
  let mtu = defaults.mtu;
  const rawMtu = options[DRIVER_MTU];
  if (rawMtu !== undefined) {
    mtu = /^\d{1,5}$/.test(rawMtu) ? Number(rawMtu) : NaN;
    if (!(mtu >= 68 && mtu <= 65535)) {
      throw invalid('bridge-option', `invalid value ${JSON.stringify(rawMtu)} for option ${DRIVER_MTU}: expected an MTU between 68 and 65535`);
    }
  }
  return {
    bridgeName: parseInterfaceName(bridgeName),
    masquerade: bool(options, ENABLE_MASQUERADE, true),
    icc: bool(options, ENABLE_ICC, true),
    hostBindingIpv4,
    mtu,
    defaultBridge: bool(options, DEFAULT_BRIDGE, false),
    routed4: routed4(options),
  };
}
