/**
 * MAC addresses from requests end up in `ip link ... address X`: only six colon-separated hex
 * bytes pass, normalised to lower case, so nothing else can reach the kernel adapters.
 */
import { invalid } from '../../errors/index.js';

const MAC_ADDRESS = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/**
 * "" stays "" (none asked for). `field` names where it came from, for values Docker itself did
 * not check before use (the per-network EndpointsConfig.*.MacAddress).
 */
export function parseMacAddress(text: string, field?: string): string {
  if (text === '') return '';
  const mac = text.toLowerCase();
  if (MAC_ADDRESS.test(mac)) return mac;
  throw invalid('invalid-mac-address', field === undefined ? `invalid MAC address: ${text}` : `${field}: invalid MAC address: ${text}`);
}
