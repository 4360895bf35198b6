/**
 * The overlay driver's `-o` options. Docker's own: `com.docker.network.driver.overlay.vxlanid_list`
 * (the VNI; Docker shows the chosen one in inspect, so do we) and `com.docker.network.driver.mtu`.
 * conet's: `mode=vxlan|host-gw` (flannel's two back ends) and, for host-gw, `host_prefix=N`, the
 * prefix length of the slice each node routes for (default: the subnet's + 8, at most /28).
 */
import { invalid, notImplemented } from '../../errors/index.js';
import { cidrFamily, prefixLengthOf } from '../../ipam/index.js';
import type { Network } from '../../model/network.js';

export const VXLANID_LIST = 'com.docker.network.driver.overlay.vxlanid_list';
export const OVERLAY_MTU = 'com.docker.network.driver.mtu';
export const MODE = 'mode';
export const HOST_PREFIX = 'host_prefix';
export const ENCRYPTED = 'encrypted';
/** Docker's first automatic VNI. */
export const FIRST_AUTO_VNI = 4096;
const MAX_VNI = 16_777_215;

export type OverlayMode = 'vxlan' | 'host-gw';

export interface OverlayOptions {
  mode: OverlayMode;
  /** undefined until chosen (vxlan mode only). */
  vni: number | undefined;
  /** Explicit MTU; undefined means the underlay's minus the encapsulation. */
  mtu: number | undefined;
  /** host-gw: prefix length of each node's slice. */
  hostPrefix: number;
}

function parseVni(raw: string): number {
  const first = raw.split(',')[0]?.trim() ?? '';
  const vni = /^\d{1,8}$/.test(first) ? Number(first) : NaN;
  if (!(vni >= 1 && vni <= MAX_VNI)) throw invalid('overlay-option', `invalid ${VXLANID_LIST} ${JSON.stringify(raw)}: expected VXLAN ids from 1 to ${MAX_VNI}`);
  return vni;
}

export function decodeOverlayOptions(network: Pick<Network, 'options' | 'ipam' | 'enableIPv6'>): OverlayOptions {
  const options = network.options;
  if (options[ENCRYPTED] !== undefined) throw notImplemented('overlay-encrypted', 'encrypted overlay networks (IPsec) are not supported by conet');
  const rawMode = options[MODE] ?? 'vxlan';
  if (rawMode !== 'vxlan' && rawMode !== 'host-gw') throw invalid('overlay-option', `invalid overlay mode ${JSON.stringify(rawMode)}: use vxlan or host-gw`);
  let mtu: number | undefined;
  const rawMtu = options[OVERLAY_MTU];
  if (rawMtu !== undefined) {
    mtu = /^\d{1,5}$/.test(rawMtu) ? Number(rawMtu) : NaN;
    if (!(mtu >= 68 && mtu <= 65535)) throw invalid('overlay-option', `invalid value ${JSON.stringify(rawMtu)} for option ${OVERLAY_MTU}: expected an MTU between 68 and 65535`);
  }
  const v4 = network.ipam.configs.find((config) => cidrFamily(config.subnet) === 4);
  if (network.enableIPv6 || network.ipam.configs.some((config) => cidrFamily(config.subnet) === 6)) {
    throw notImplemented('overlay-ipv6', 'IPv6 on overlay networks is not supported by conet yet');
  }
  if (network.ipam.configs.length > 1) throw notImplemented('overlay-subnets', 'overlay networks with more than one subnet are not supported by conet');
  const subnetPrefix = v4 ? prefixLengthOf(v4.subnet) : 24;
  let hostPrefix = Math.min(subnetPrefix + 8, 28);
  const rawHostPrefix = options[HOST_PREFIX];
  if (rawHostPrefix !== undefined) {
    hostPrefix = /^\d{1,2}$/.test(rawHostPrefix) ? Number(rawHostPrefix) : NaN;
    if (!(hostPrefix > subnetPrefix && hostPrefix <= 30)) {
      throw invalid('overlay-option', `invalid ${HOST_PREFIX} ${JSON.stringify(rawHostPrefix)}: expected a prefix length longer than the subnet's (/${subnetPrefix}) and at most 30`);
    }
  }
  if (rawMode === 'host-gw' && hostPrefix <= subnetPrefix) {
    throw invalid('overlay-option', `subnet /${subnetPrefix} is too small for host-gw slices: give a larger --subnet`);
  }
  const rawVni = options[VXLANID_LIST];
  return { mode: rawMode, vni: rawVni === undefined ? undefined : parseVni(rawVni), mtu, hostPrefix };
}

/** The lowest VNI from Docker's first automatic one that no network in `used` has. */
export function nextFreeVni(used: ReadonlySet<number>): number {
  let vni = FIRST_AUTO_VNI;
  while (used.has(vni)) vni += 1;
  return vni;
}
