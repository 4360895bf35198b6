/**
 * Whether a registry is insecure (Docker's semantics: HTTPS without certificate checks, then
 * plain HTTP): its `HOST[:PORT]` or `HOST` is listed, or it is an IPv4 literal inside a listed
 * CIDR or 127.0.0.0/8. Hostnames are not resolved here (Docker resolves them; a test host names
 * registries by address).
 */
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const CIDR = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/;

function ipv4Value(text: string): number | undefined {
  const match = IPV4.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1).map(Number);
  if (octets.some((octet) => octet > 255)) return undefined;
  return octets.reduce((sum, octet) => sum * 256 + octet, 0);
}

function inCidr(address: number, cidr: string): boolean {
  const match = CIDR.exec(cidr);
  const network = match ? ipv4Value(match[1]!) : undefined;
  const prefix = match ? Number(match[2]) : NaN;
  if (network === undefined || !(prefix >= 0 && prefix <= 32)) return false;
  const size = 2 ** (32 - prefix);
  return Math.floor(address / size) === Math.floor(network / size);
}

/** `domain` is a reference's registry: `HOST`, `HOST:PORT` or `[V6]:PORT`. */
export function isInsecure(domain: string, insecure: readonly string[]): boolean {
  const host = domain.startsWith('[') ? domain.slice(0, domain.indexOf(']') + 1) : domain.split(':')[0]!;
  if (insecure.includes(domain) || insecure.includes(host)) return true;
  const address = ipv4Value(host);
  if (address === undefined) return false;
  return ['127.0.0.0/8', ...insecure].some((entry) => inCidr(address, entry));
}

/** An entry of `insecure-registries` as Docker takes it: a CIDR or a HOST[:PORT] without scheme. */
export function validInsecureEntry(entry: string): boolean {
  if (CIDR.test(entry)) return ipv4Value(entry.split('/')[0]!) !== undefined && Number(entry.split('/')[1]) <= 32;
  return /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:]{2,39}\])(?::[0-9]{1,5})?$/.test(entry);
}
