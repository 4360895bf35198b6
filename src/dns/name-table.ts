/**
 * The embedded resolver's view of the world, pure: which container asks (by the sockets its query came in on),
 * which networks it shares with whom, and what a name or an address means there. Derived from
 * live endpoints on every query, so names follow start/stop and connect/disconnect by themselves.
 */

export interface DnsEndpoint {
  containerId: string;
  /** Container name without the slash. */
  name: string;
  aliases: string[];
  hostname: string;
  /** Addresses without prefix length; "" when none. */
  ipv4: string;
  ipv6: string;
  /** The container's `--link NAME:ALIAS`es: on these networks ALIAS means NAME, to it only. */
  links?: ReadonlyArray<{ name: string; alias: string }>;
}

export interface DnsNetwork {
  id: string;
  name: string;
  internal: boolean;
  endpoints: DnsEndpoint[];
}

/** Only networks with embedded DNS (user-defined ones) belong in the table. */
export interface NameTable {
  networks: DnsNetwork[];
}

export interface Asker {
  containerId: string;
  /** The DNS networks the asking container is on. */
  networks: DnsNetwork[];
}

/**
 * The container whose own resolver sockets (opened inside its namespace) took the query: the
 * socket says who asks, not the source address (always 127.0.0.1 there). Undefined when it is on
 * no DNS network (any more): the resolver never answers strangers.
 */
export function askerById(table: NameTable, containerId: string): Asker | undefined {
  const networks = table.networks.filter((network) => network.endpoints.some((endpoint) => endpoint.containerId === containerId));
  return networks.length > 0 ? { containerId, networks } : undefined;
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function matches(endpoint: DnsEndpoint, name: string): boolean {
  return (
    endpoint.name.toLowerCase() === name ||
    endpoint.aliases.some((alias) => alias.toLowerCase() === name) ||
    (name.length === 12 && endpoint.containerId.startsWith(name)) ||
    (endpoint.hostname !== '' && endpoint.hostname.toLowerCase() === name)
  );
}

export interface NameAnswer {
  /** The name exists on a shared network (then an empty address list means "no record of that type"). */
  known: boolean;
  addresses: string[];
}

/**
 * A, AAAA: container name, --network-alias, short id or hostname, on a network the asker shares
 * with the target; `NAME.NETWORK` narrows to one network, as Docker's resolver does.
 */
/** `--link NAME:ALIAS` on a user-defined network: ALIAS resolves as NAME, for the linking container only (Docker). */
function linkTarget(asker: Asker, name: string): string | undefined {
  for (const network of asker.networks) {
    for (const endpoint of network.endpoints) {
      if (endpoint.containerId !== asker.containerId) continue;
      const link = endpoint.links?.find((candidate) => candidate.alias.toLowerCase() === name);
      if (link) return link.name.toLowerCase();
    }
  }
  return undefined;
}

export function resolveName(asker: Asker, question: string, family: 4 | 6): NameAnswer {
  const name = linkTarget(asker, normalise(question)) ?? normalise(question);
  const addresses: string[] = [];
  let known = false;
  for (const network of asker.networks) {
    const suffix = `.${network.name.toLowerCase()}`;
    const candidates = name.endsWith(suffix) ? [name, name.slice(0, -suffix.length)] : [name];
    for (const endpoint of network.endpoints) {
      if (!candidates.some((candidate) => matches(endpoint, candidate))) continue;
      known = true;
      const address = family === 4 ? endpoint.ipv4 : endpoint.ipv6;
      if (address !== '' && !addresses.includes(address)) addresses.push(address);
    }
  }
  return { known, addresses };
}

/** PTR: "NAME.NETWORK" for an address of a container on a shared network (Docker's form). */
export function reverseName(asker: Asker, address: string): string | undefined {
  for (const network of asker.networks) {
    const endpoint = network.endpoints.find((candidate) => candidate.ipv4 === address || candidate.ipv6 === address);
    if (endpoint) return `${endpoint.name}.${network.name}`;
  }
  return undefined;
}

/** Internal networks get names but no forwarding: only askers on some non-internal network may go out. */
export function mayForward(asker: Asker): boolean {
  return asker.networks.some((network) => !network.internal);
}

/** "2.0.18.172.in-addr.arpa" -> "172.18.0.2"; nibble-form ip6.arpa -> expanded v6 address. */
export function addressOfPtr(question: string): string | undefined {
  const name = normalise(question);
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa$/.exec(name);
  if (v4) {
    const octets = v4.slice(1, 5).reverse().map(Number);
    return octets.every((octet) => octet <= 255) ? octets.join('.') : undefined;
  }
  const v6 = /^((?:[0-9a-f]\.){32})ip6\.arpa$/.exec(name);
  if (v6?.[1]) {
    const nibbles = v6[1].split('.').filter(Boolean).reverse();
    const groups: string[] = [];
    for (let index = 0; index < 32; index += 4) groups.push(nibbles.slice(index, index + 4).join('').replace(/^0{1,3}/, ''));
    return compressV6(groups);
  }
  return undefined;
}

/** RFC 5952 text form of eight groups, so it compares equal to the addresses IPAM hands out. */
function compressV6(groups: string[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start += 1) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === '0') length += 1;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}
