/**
 * /etc/hosts, /etc/hostname and /etc/resolv.conf for a container, as Docker writes them (S080-S086
 * of the recording). Pure: the caller reads the host's files and writes the results.
 */
import { invalid } from '../../errors/index.js';

const HOSTS_HEADER = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

export interface HostsInput {
  hostname: string;
  domainname?: string;
  /** The container's own addresses (first one per network), without prefix length. */
  addresses: string[];
  /** --add-host entries, "name:address"; host-gateway already resolved by the caller. */
  extraHosts: string[];
}

function extraHostLines(extraHosts: readonly string[]): string[] {
  const lines: string[] = [];
  for (const entry of extraHosts) {
    const at = entry.indexOf(':');
    if (at > 0) lines.push(`${entry.slice(at + 1)}\t${entry.slice(0, at)}`);
  }
  return lines;
}

export function hostsFile(input: HostsInput): string {
  const lines = [...HOSTS_HEADER, ...extraHostLines(input.extraHosts)];
  const names = input.domainname ? `${input.hostname}.${input.domainname} ${input.hostname}` : input.hostname;
  for (const address of input.addresses) lines.push(`${address}\t${names}`);
  return `${lines.join('\n')}\n`;
}

export interface ResolvInput {
  /** The host's /etc/resolv.conf text. */
  host: string;
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  /** Host mode keeps loopback resolvers (they are reachable); other modes drop them. */
  keepLoopback: boolean;
  /**
   * User-defined networks: the embedded resolver at 127.0.0.11 with ndots:0, as Docker writes it
   * (S082); the servers (--dns or the host's) become the resolver's upstreams instead.
   */
  embedded?: boolean;
}

const FALLBACK_NAMESERVERS = ['8.8.8.8', '8.8.4.4'];
const EMBEDDED_RESOLVER = '127.0.0.11';

/** Docker's rule: the host's file minus loopback nameservers, with --dns/--dns-search/--dns-option overriding. */
export function resolvConf(input: ResolvInput): string {
  const hostLines = input.host.split('\n');
  const nameservers = hostLines
    .map((line) => /^\s*nameserver\s+(\S+)/.exec(line)?.[1])
    .filter((server): server is string => server !== undefined)
    .filter((server) => input.keepLoopback || !/^(127\.|::1$)/.test(server));
  const search = hostLines.map((line) => /^\s*(search|domain)\s+(.+)$/.exec(line)?.[2]?.trim()).filter(Boolean) as string[];
  const options = hostLines.map((line) => /^\s*options\s+(.+)$/.exec(line)?.[1]?.trim()).filter(Boolean) as string[];
  const lines: string[] = [];
  const searchDomains = input.dnsSearch.length > 0 ? input.dnsSearch : search.slice(-1);
  if (searchDomains.length > 0 && !(searchDomains.length === 1 && searchDomains[0] === '.')) lines.push(`search ${searchDomains.join(' ')}`);
  const servers = input.embedded ? [EMBEDDED_RESOLVER] : input.dns.length > 0 ? input.dns : nameservers.length > 0 ? nameservers : FALLBACK_NAMESERVERS;
  for (const server of servers) lines.push(`nameserver ${server}`);
  let opts = input.dnsOptions.length > 0 ? input.dnsOptions : options.flatMap((line) => line.split(/\s+/));
  if (input.embedded && !opts.some((option) => option.startsWith('ndots:'))) opts = ['ndots:0', ...opts];
  if (opts.length > 0) lines.push(`options ${opts.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

/** Host mode: the host's own /etc/hosts with the --add-host entries appended (as Docker). */
export function hostModeHostsFile(hostHosts: string, extraHosts: readonly string[]): string {
  const extra = extraHostLines(extraHosts);
  if (extra.length === 0) return hostHosts;
  const base = hostHosts === '' || hostHosts.endsWith('\n') ? hostHosts : `${hostHosts}\n`;
  return `${base}${extra.join('\n')}\n`;
}

/** The value `--add-host NAME:host-gateway` stands for (Docker's default host-gateway-ip). */
export const HOST_GATEWAY = 'host-gateway';

/** --add-host entries with `host-gateway` replaced by the default bridge's gateway address. */
export function resolveExtraHosts(extraHosts: readonly string[], hostGateway: string | undefined): string[] {
  return extraHosts.map((entry) => {
    const at = entry.indexOf(':');
    if (at <= 0 || entry.slice(at + 1) !== HOST_GATEWAY) return entry;
    if (!hostGateway) throw invalid('host-gateway', `unable to derive the IP value for host-gateway in ${JSON.stringify(entry)}: the default bridge has no gateway address`);
    return `${entry.slice(0, at)}:${hostGateway}`;
  });
}
