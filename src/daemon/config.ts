/**
 * Daemon configuration: embedded defaults, then the JSON config file (daemon.json-style keys),
 * then command-line flags. Everything is validated here so the rest of the daemon trusts it.
 */
import { readFile } from 'node:fs/promises';
import { invalid } from '../errors/index.js';
import { DEFAULT_ADDRESS_POOLS, formatCidr, tryParseAddress, tryParseCidr, validateAddressPools, type AddressPool } from '../ipam/index.js';
import { validInterfaceName } from '../drivers/common/bridge-options.js';
import { isLogLevel, type LogLevel } from '../util/logger.js';
import { BUILTIN_LOG_CONFIG, mergeLogConfig, validateLogConfig } from '../engine/containers/log-options.js';
import type { LogConfig } from '../model/container.js';
import type { RegistryOptions } from '../runtime/images/registry/index.js';
import { REGISTRY_FILE_KEYS, registryOptions, type RegistryFlags } from './registry-config.js';
import { DEFAULT_FQDN_MIN_TTL, fqdnMinTtl } from './fqdn-config.js';
import { parseUiAddress, type UiListen } from '../ui/index.js';

export interface DaemonConfig {
  host: string;
  dataRoot: string;
  execRoot: string;
  logLevel: LogLevel;
  bridgeName: string;
  bridgeSubnet: string;
  bridgeGateway?: string;
  mtu: number;
  icc: boolean;
  ipMasquerade: boolean;
  /** Masquerade of bridge networks' IPv6 subnets going out (`ip6-masq`); per network, enable_ip_masquerade=false turns both off. */
  ip6Masquerade: boolean;
  nftTable: string;
  addressPools: readonly AddressPool[];
  /** Cluster mode (`--cluster-store`): absent on a single host. */
  cluster?: ClusterConfig;
  /** UDP port of VXLAN traffic between nodes (Docker's `data-path-port`). */
  dataPathPort: number;
  /** `ipv6`: IPv6 on the default bridge, with `fixed-cidr-v6` as its subnet. */
  ipv6: boolean;
  fixedCidrV6?: string;
  /**
   * Containers' default seccomp profile (`seccomp-profile`): a file in Docker's profile format,
   * Docker's own from Debian's golang-github-docker-docker-dev by default, or "unconfined".
   */
  seccompProfile: string;
  /**
   * Containers' default `log-driver` and `log-opts` (json-file's max-size and max-file), over
   * the built-in cap of 20m x 5: a container's log is never unbounded.
   */
  logConfig: LogConfig;
  /** registry-mirrors, insecure-registries, registry-timeout, certs-dirs (registry-config.ts). */
  registry: RegistryOptions;
  /** `fqdn-min-ttl`: seconds an allowed answer's address stays in a policy's FQDN set at least (fqdn-config.ts). */
  fqdnMinTtlSeconds: number;
  /** The live topology web view (`--ui ADDR`, docs/ui.md): off when absent. */
  ui?: UiListen;
}

/** Where Debian's golang-github-docker-docker-dev puts Docker's default seccomp profile (20.10). */
export const DOCKER_SECCOMP_PROFILE = '/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json';

export interface ClusterConfig {
  /** etcd client URLs, e.g. ["http://10.0.0.1:2379"]. */
  endpoints: string[];
  /** This node's underlay address, as peers reach it. */
  advertise: string;
  /** Seconds a stopped node's registration (and so its peers' entries) outlives it (`discovery.ttl`). */
  ttlSeconds: number;
  /** Key prefix in etcd. */
  prefix: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

export const DEFAULTS: DaemonConfig = {
  host: 'unix:///run/conet/docker.sock',
  dataRoot: '/var/lib/conet',
  execRoot: '/run/conet',
  logLevel: 'info',
  bridgeName: 'conet0',
  bridgeSubnet: '172.17.0.0/16',
  mtu: 1500,
  icc: true,
  ipMasquerade: true,
  ip6Masquerade: true,
  nftTable: 'conet',
  addressPools: DEFAULT_ADDRESS_POOLS,
  dataPathPort: 4789,
  ipv6: false,
  seccompProfile: DOCKER_SECCOMP_PROFILE,
  logConfig: BUILTIN_LOG_CONFIG,
  registry: registryOptions({}, {}),
  fqdnMinTtlSeconds: DEFAULT_FQDN_MIN_TTL,
};

export interface DaemonFlags extends RegistryFlags {
  host?: string;
  dataRoot?: string;
  execRoot?: string;
  config?: string;
  logLevel?: string;
  /** `etcd://HOST:PORT[,HOST:PORT…]` */
  clusterStore?: string;
  /** `ADDR` or `ADDR:PORT` (the port is ignored: the API is a unix socket). */
  clusterAdvertise?: string;
  /** `KEY=VALUE`: kv.cacertfile, kv.certfile, kv.keyfile, discovery.ttl, prefix. */
  clusterStoreOpts?: string[];
  /** `--fqdn-min-ttl SECONDS`. */
  fqdnMinTtl?: string;
  /** `HOST:PORT` of the web view; a non-loopback HOST needs `uiAllowRemote`. */
  ui?: string;
  uiAllowRemote?: boolean;
}

/** `bip` is the gateway with prefix (Docker's meaning): 172.17.0.1/16 -> subnet 172.17.0.0/16. */
function splitBip(bip: string): { subnet: string; gateway: string } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(bip);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefix = match ? Number(match[5]) : -1;
  if (!match || octets.some((octet) => octet > 255) || prefix < 1 || prefix > 30) {
    throw invalid('config', `invalid bip ${JSON.stringify(bip)}: expected an IPv4 address with prefix, e.g. 172.17.0.1/16`);
  }
  const value = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  const mask = prefix === 0 ? 0 : 2 ** 32 - 2 ** (32 - prefix);
  const network = Number((BigInt(value) & BigInt(mask)).toString());
  const dotted = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
  return { subnet: `${dotted}/${prefix}`, gateway: octets.join('.') };
}

interface FileCluster {
  store?: string;
  advertise?: string;
  opts: Record<string, string>;
}

export async function loadConfig(flags: DaemonFlags): Promise<DaemonConfig> {
  const config: DaemonConfig = { ...DEFAULTS };
  const fileCluster: FileCluster = { opts: {} };
  let file: Record<string, unknown> = {};
  if (flags.config) {
    try {
      file = JSON.parse(await readFile(flags.config, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw invalid('config', `cannot read config file ${flags.config}: ${(error as Error).message}`);
    }
    applyFile(config, file, fileCluster);
  }
  config.registry = registryOptions(file, flags);
  config.fqdnMinTtlSeconds = fqdnMinTtl(flags.fqdnMinTtl ?? file['fqdn-min-ttl']);
  if (flags.host !== undefined) config.host = flags.host;
  if (flags.dataRoot !== undefined) config.dataRoot = flags.dataRoot;
  if (flags.execRoot !== undefined) config.execRoot = flags.execRoot;
  if (flags.logLevel !== undefined) config.logLevel = checkLogLevel(flags.logLevel);
  const clusterStore = flags.clusterStore ?? fileCluster.store;
  const clusterAdvertise = flags.clusterAdvertise ?? fileCluster.advertise;
  const clusterOpts = { ...fileCluster.opts, ...parseOpts(flags.clusterStoreOpts ?? []) };
  if (clusterStore !== undefined) config.cluster = clusterConfig(clusterStore, clusterAdvertise, clusterOpts);
  else if (clusterAdvertise !== undefined) throw invalid('config', '--cluster-advertise needs --cluster-store');
  const ui = flags.ui ?? (typeof file['ui'] === 'string' ? file['ui'] : undefined);
  if (ui !== undefined) config.ui = parseUiAddress(ui, flags.uiAllowRemote === true || file['ui-allow-remote'] === true);
  if (!config.host.startsWith('unix://')) throw invalid('config', `unsupported host ${config.host}: only unix:// sockets are served`);
  return config;
}

function checkLogLevel(value: string): LogLevel {
  if (!isLogLevel(value)) throw invalid('config', `invalid log level ${JSON.stringify(value)}: use debug, info, warn or error`);
  return value;
}

/** `seccomp-profile`: a profile file (read and checked at start) or "unconfined". */
function checkSeccompProfile(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw invalid('config', 'seccomp-profile must be a profile file path or "unconfined"');
  return value;
}

/** `log-driver` and `log-opts` (an object of strings), checked as a create's would be. */
function checkLogConfig(driver: unknown, opts: unknown): LogConfig {
  if (driver !== undefined && typeof driver !== 'string') throw invalid('config', 'log-driver must be a string');
  const options = opts ?? {};
  if (typeof options !== 'object' || options === null || Array.isArray(options) || Object.values(options).some((value) => typeof value !== 'string')) {
    throw invalid('config', 'log-opts must be an object of strings, e.g. {"max-size": "10m", "max-file": "3"}');
  }
  const requested = { type: driver ?? '', config: { ...(options as Record<string, string>) } };
  try {
    validateLogConfig(requested);
  } catch (error) {
    throw invalid('config', `invalid log configuration in config file: ${(error as Error).message}`);
  }
  return mergeLogConfig(requested);
}

/** `fixed-cidr-v6`: an IPv6 subnet of /48 to /120 with no host bits, in canonical form. */
function checkFixedCidrV6(value: unknown): string {
  const cidr = typeof value === 'string' ? tryParseCidr(value) : undefined;
  const address = typeof value === 'string' ? tryParseAddress(value.split('/')[0]) : undefined;
  if (!cidr || !address || cidr.family !== 6 || cidr.prefixLength < 48 || cidr.prefixLength > 120 || address.value !== cidr.network) {
    throw invalid('config', `invalid fixed-cidr-v6 ${JSON.stringify(value)}: expected an IPv6 subnet from /48 to /120 without host bits, e.g. "fd00:1::/64"`);
  }
  return formatCidr(cidr);
}

function parseOpts(pairs: readonly string[]): Record<string, string> {
  const opts: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw invalid('config', `invalid cluster-store-opt ${JSON.stringify(pair)}: expected KEY=VALUE`);
    opts[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return opts;
}

const CLUSTER_OPTS = new Set(['kv.cacertfile', 'kv.certfile', 'kv.keyfile', 'discovery.ttl', 'prefix']);
const HOST_PORT = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/;
const IPV4_ADDRESS = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** `etcd://h1:2379,h2:2379` (+ advertise and opts) -> ClusterConfig, or a clear config error. */
export function clusterConfig(store: string, advertise: string | undefined, opts: Record<string, string>): ClusterConfig {
  const match = /^etcd:\/\/(.+)$/.exec(store);
  if (!match?.[1]) throw invalid('config', `unsupported cluster store ${JSON.stringify(store)}: use etcd://HOST:PORT[,HOST:PORT...]`);
  const hosts = match[1].replace(/\/+$/, '').split(',');
  for (const host of hosts) {
    const hostPort = HOST_PORT.exec(host);
    if (!hostPort || Number(hostPort[2]) < 1 || Number(hostPort[2]) > 65535) {
      throw invalid('config', `invalid cluster store address ${JSON.stringify(host)}: expected HOST:PORT`);
    }
  }
  if (advertise === undefined) throw invalid('config', '--cluster-store needs --cluster-advertise ADDR (this node\'s underlay address)');
  const address = advertise.replace(/:\d{1,5}$/, '');
  if (!IPV4_ADDRESS.test(address)) throw invalid('config', `invalid --cluster-advertise ${JSON.stringify(advertise)}: expected an IPv4 address (optionally :PORT)`);
  for (const key of Object.keys(opts)) if (!CLUSTER_OPTS.has(key)) throw invalid('config', `unknown cluster-store-opt ${JSON.stringify(key)}`);
  const ttlText = opts['discovery.ttl'] ?? '20';
  const ttlSeconds = /^\d{1,5}s?$/.test(ttlText) ? parseInt(ttlText, 10) : NaN;
  if (!(ttlSeconds >= 2 && ttlSeconds <= 86400)) throw invalid('config', `invalid discovery.ttl ${JSON.stringify(ttlText)}: expected seconds from 2 to 86400`);
  const prefix = opts['prefix'] ?? '/conet/v1/';
  if (!/^\/[A-Za-z0-9_./-]*\/$/.test(prefix)) throw invalid('config', `invalid prefix ${JSON.stringify(prefix)}: expected /PATH/`);
  const secure = opts['kv.cacertfile'] !== undefined || opts['kv.certfile'] !== undefined;
  if ((opts['kv.certfile'] === undefined) !== (opts['kv.keyfile'] === undefined)) throw invalid('config', 'kv.certfile and kv.keyfile go together');
  const tls = {
    ...(opts['kv.cacertfile'] !== undefined ? { caFile: opts['kv.cacertfile'] } : {}),
    ...(opts['kv.certfile'] !== undefined ? { certFile: opts['kv.certfile'] } : {}),
    ...(opts['kv.keyfile'] !== undefined ? { keyFile: opts['kv.keyfile'] } : {}),
  };
  return {
    endpoints: hosts.map((host) => `${secure ? 'https' : 'http'}://${host}`),
    advertise: address,
    ttlSeconds,
    prefix,
    ...(secure ? { tls } : {}),
  };
}

function applyFile(config: DaemonConfig, file: Record<string, unknown>, cluster: FileCluster): void {
  const known = new Set(['hosts', 'data-root', 'exec-root', 'log-level', 'bridge', 'bip', 'mtu', 'icc', 'ip-masq', 'ip6-masq', 'nft-table', 'default-address-pools', 'cluster-store', 'cluster-advertise', 'cluster-store-opts', 'data-path-port', 'ipv6', 'fixed-cidr-v6', 'seccomp-profile', 'log-driver', 'log-opts', 'fqdn-min-ttl', 'ui', 'ui-allow-remote', ...REGISTRY_FILE_KEYS]);
  for (const key of Object.keys(file)) if (!known.has(key)) throw invalid('config', `unknown key ${JSON.stringify(key)} in config file`);
  const hosts = file['hosts'];
  if (Array.isArray(hosts) && typeof hosts[0] === 'string') config.host = hosts[0];
  if (typeof file['data-root'] === 'string') config.dataRoot = file['data-root'];
  if (typeof file['exec-root'] === 'string') config.execRoot = file['exec-root'];
  if (typeof file['log-level'] === 'string') config.logLevel = checkLogLevel(file['log-level']);
  if (typeof file['bridge'] === 'string') {
    if (!validInterfaceName(file['bridge'])) throw invalid('config', `invalid bridge name ${JSON.stringify(file['bridge'])}`);
    config.bridgeName = file['bridge'];
  }
  if (typeof file['bip'] === 'string') {
    const { subnet, gateway } = splitBip(file['bip']);
    config.bridgeSubnet = subnet;
    config.bridgeGateway = gateway;
  }
  if (file['mtu'] !== undefined) {
    const mtu = file['mtu'];
    if (typeof mtu !== 'number' || !Number.isInteger(mtu) || mtu < 68 || mtu > 65535) throw invalid('config', 'mtu must be an integer from 68 to 65535');
    config.mtu = mtu;
  }
  if (typeof file['icc'] === 'boolean') config.icc = file['icc'];
  if (typeof file['ip-masq'] === 'boolean') config.ipMasquerade = file['ip-masq'];
  if (file['ip6-masq'] !== undefined) {
    if (typeof file['ip6-masq'] !== 'boolean') throw invalid('config', 'ip6-masq must be true or false');
    config.ip6Masquerade = file['ip6-masq'];
  }
  if (typeof file['nft-table'] === 'string') {
    if (!/^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(file['nft-table'])) throw invalid('config', 'nft-table must be a simple identifier');
    config.nftTable = file['nft-table'];
  }
  if (file['default-address-pools'] !== undefined) config.addressPools = validateAddressPools(file['default-address-pools']);
  if (typeof file['cluster-store'] === 'string') cluster.store = file['cluster-store'];
  if (typeof file['cluster-advertise'] === 'string') cluster.advertise = file['cluster-advertise'];
  const opts = file['cluster-store-opts'];
  if (opts !== undefined) {
    if (typeof opts !== 'object' || opts === null || Object.values(opts).some((value) => typeof value !== 'string')) {
      throw invalid('config', 'cluster-store-opts must be an object of strings');
    }
    cluster.opts = { ...(opts as Record<string, string>) };
  }
  if (file['ipv6'] !== undefined) {
    if (typeof file['ipv6'] !== 'boolean') throw invalid('config', 'ipv6 must be true or false');
    config.ipv6 = file['ipv6'];
  }
  if (file['seccomp-profile'] !== undefined) config.seccompProfile = checkSeccompProfile(file['seccomp-profile']);
  if (file['log-driver'] !== undefined || file['log-opts'] !== undefined) config.logConfig = checkLogConfig(file['log-driver'], file['log-opts']);
  if (file['fixed-cidr-v6'] !== undefined) config.fixedCidrV6 = checkFixedCidrV6(file['fixed-cidr-v6']);
  if (config.ipv6 && config.fixedCidrV6 === undefined) {
    throw invalid('config', 'ipv6 on the default bridge needs fixed-cidr-v6 (its IPv6 subnet, e.g. "fd00:1::/64")');
  }
  if (file['data-path-port'] !== undefined) {
    const port = file['data-path-port'];
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1024 || port > 49151) throw invalid('config', 'data-path-port must be an integer from 1024 to 49151');
    config.dataPathPort = port;
  }
}
