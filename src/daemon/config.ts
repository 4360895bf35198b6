/**
 * Daemon configuration: embedded defaults, then the JSON config file (daemon.json-style keys),
 * then command-line flags. Everything is validated here so the rest of the daemon trusts it.
 */
import { readFile } from 'node:fs/promises';
import { invalid } from '../errors/index.js';
import { DEFAULT_ADDRESS_POOLS, validateAddressPools, type AddressPool } from '../ipam/index.js';
import { validInterfaceName } from '../drivers/bridge/options.js';
import { isLogLevel, type LogLevel } from './logger.js';

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
};

export interface DaemonFlags {
  host?: string;
  dataRoot?: string;
  execRoot?: string;
  config?: string;
  logLevel?: string;
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

export async function loadConfig(flags: DaemonFlags): Promise<DaemonConfig> {
  const config: DaemonConfig = { ...DEFAULTS };
  if (flags.config) {
    let file: Record<string, unknown>;
    try {
      file = JSON.parse(await readFile(flags.config, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw invalid('config', `cannot read config file ${flags.config}: ${(error as Error).message}`);
    }
    applyFile(config, file);
  }
  if (flags.host !== undefined) config.host = flags.host;
  if (flags.dataRoot !== undefined) config.dataRoot = flags.dataRoot;
  if (flags.execRoot !== undefined) config.execRoot = flags.execRoot;
  if (flags.logLevel !== undefined) config.logLevel = checkLogLevel(flags.logLevel);
  if (!config.host.startsWith('unix://')) throw invalid('config', `unsupported host ${config.host}: only unix:// sockets are served`);
  return config;
}

function checkLogLevel(value: string): LogLevel {
  if (!isLogLevel(value)) throw invalid('config', `invalid log level ${JSON.stringify(value)}: use debug, info, warn or error`);
  return value;
}

function applyFile(config: DaemonConfig, file: Record<string, unknown>): void {
  const known = new Set(['hosts', 'data-root', 'exec-root', 'log-level', 'bridge', 'bip', 'mtu', 'icc', 'ip-masq', 'ip6-masq', 'nft-table', 'default-address-pools']);
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
}
