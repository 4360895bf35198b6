/**
 * Decoding of `POST /containers/create`: every field we act on is type-checked here; the rest of
 * HostConfig is kept raw so inspect can echo it. Network-mode conflicts are refused with Docker's
 * messages (runconfig's validateNetMode), before anything is created.
 */
import { invalid } from '../../errors/index.js';
import type { ContainerConfig, ContainerHostConfig, EndpointRequest, PortBinding } from '../../model/container.js';

export interface ContainerCreateRequest {
  config: ContainerConfig;
  hostConfig: ContainerHostConfig;
  endpointRequests: Record<string, EndpointRequest>;
  macAddress: string;
  warnings: string[];
}

type Json = Record<string, unknown>;

const object = (value: unknown, field: string): Json => {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('request', `${field} must be an object`);
  return value as Json;
};
const string = (value: unknown, field: string): string => {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalid('request', `${field} must be a string`);
  return value;
};
const bool = (value: unknown, field: string): boolean => {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalid('request', `${field} must be a boolean`);
  return value;
};
const strings = (value: unknown, field: string): string[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw invalid('request', `${field} must be an array of strings`);
  return value as string[];
};
/** Cmd and Entrypoint: null, a list, or (old clients) a single string. */
const command = (value: unknown, field: string): string[] | null => {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return [value];
  const list = strings(value, field);
  return list.length === 0 ? null : list;
};
const stringMap = (value: unknown, field: string): Record<string, string> => {
  const raw = object(value, field);
  for (const [key, item] of Object.entries(raw)) if (typeof item !== 'string') throw invalid('request', `${field}.${key} must be a string`);
  return raw as Record<string, string>;
};

function portBindings(value: unknown): Record<string, PortBinding[]> {
  const result: Record<string, PortBinding[]> = {};
  for (const [port, list] of Object.entries(object(value, 'HostConfig.PortBindings'))) {
    if (list === null) continue;
    if (!Array.isArray(list)) throw invalid('request', `HostConfig.PortBindings.${port} must be an array`);
    result[port] = list.map((item, index) => {
      const binding = object(item, `HostConfig.PortBindings.${port}[${index}]`);
      return { hostIp: string(binding['HostIp'], 'HostIp'), hostPort: string(binding['HostPort'], 'HostPort') };
    });
  }
  return result;
}

function endpointRequests(value: unknown): Record<string, EndpointRequest> {
  const configs = object(object(value, 'NetworkingConfig')['EndpointsConfig'], 'NetworkingConfig.EndpointsConfig');
  const result: Record<string, EndpointRequest> = {};
  for (const [network, raw] of Object.entries(configs)) {
    const config = object(raw, `EndpointsConfig.${network}`);
    const ipam = object(config['IPAMConfig'], `EndpointsConfig.${network}.IPAMConfig`);
    result[network] = {
      aliases: strings(config['Aliases'], 'Aliases'),
      ipv4Address: string(ipam['IPv4Address'], 'IPv4Address'),
      ipv6Address: string(ipam['IPv6Address'], 'IPv6Address'),
      macAddress: string(config['MacAddress'], 'MacAddress'),
    };
  }
  return result;
}

export function decodeContainerCreate(body: unknown): ContainerCreateRequest {
  const raw = object(body, 'request body');
  if (body === undefined || body === null) throw invalid('request', 'request body must be a JSON object');
  const host = object(raw['HostConfig'], 'HostConfig');
  const restart = object(host['RestartPolicy'], 'HostConfig.RestartPolicy');
  const image = string(raw['Image'], 'Image');
  if (image === '') throw invalid('request', 'No command specified: an image is required');
  const config: ContainerConfig = {
    hostname: string(raw['Hostname'], 'Hostname'),
    domainname: string(raw['Domainname'], 'Domainname'),
    user: string(raw['User'], 'User'),
    env: strings(raw['Env'], 'Env'),
    cmd: command(raw['Cmd'], 'Cmd'),
    entrypoint: command(raw['Entrypoint'], 'Entrypoint'),
    workingDir: string(raw['WorkingDir'], 'WorkingDir'),
    tty: bool(raw['Tty'], 'Tty'),
    openStdin: bool(raw['OpenStdin'], 'OpenStdin'),
    stdinOnce: bool(raw['StdinOnce'], 'StdinOnce'),
    attachStdin: bool(raw['AttachStdin'], 'AttachStdin'),
    attachStdout: bool(raw['AttachStdout'], 'AttachStdout'),
    attachStderr: bool(raw['AttachStderr'], 'AttachStderr'),
    exposedPorts: Object.fromEntries(Object.keys(object(raw['ExposedPorts'], 'ExposedPorts')).map((port) => [port, {}])),
    labels: stringMap(raw['Labels'], 'Labels'),
    image,
  };
  const hostConfig: ContainerHostConfig = {
    networkMode: string(host['NetworkMode'], 'HostConfig.NetworkMode') || 'default',
    portBindings: portBindings(host['PortBindings']),
    publishAllPorts: bool(host['PublishAllPorts'], 'HostConfig.PublishAllPorts'),
    dns: strings(host['Dns'], 'HostConfig.Dns'),
    dnsOptions: strings(host['DnsOptions'], 'HostConfig.DnsOptions'),
    dnsSearch: strings(host['DnsSearch'], 'HostConfig.DnsSearch'),
    extraHosts: strings(host['ExtraHosts'], 'HostConfig.ExtraHosts'),
    autoRemove: bool(host['AutoRemove'], 'HostConfig.AutoRemove'),
    restartPolicy: { name: string(restart['Name'], 'RestartPolicy.Name') || 'no', maximumRetryCount: Number(restart['MaximumRetryCount'] ?? 0) || 0 },
    raw: host,
  };
  const request: ContainerCreateRequest = {
    config,
    hostConfig,
    endpointRequests: endpointRequests(raw['NetworkingConfig']),
    macAddress: string(raw['MacAddress'], 'MacAddress'),
    warnings: [],
  };
  validateNetworkMode(request);
  primaryMacAddress(request);
  return request;
}

const MAC_ADDRESS = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/**
 * `--mac-address`: up to API 1.43 the CLI sends it as Config.MacAddress; it belongs to the
 * endpoint on the container's primary network (API 1.44 moved it there the same way).
 */
function primaryMacAddress(request: ContainerCreateRequest): void {
  if (request.macAddress === '') return;
  const mac = request.macAddress.toLowerCase();
  if (!MAC_ADDRESS.test(mac)) throw invalid('request', `invalid MAC address: ${request.macAddress}`);
  const mode = request.hostConfig.networkMode;
  const key = mode === 'default' ? 'bridge' : mode;
  const existing = request.endpointRequests[key];
  if (existing?.macAddress) return;
  request.endpointRequests[key] = { ...(existing ?? { aliases: [], ipv4Address: '', ipv6Address: '' }), macAddress: mac };
}

/** Docker's conflicts between the network mode and other options. */
function validateNetworkMode(request: ContainerCreateRequest): void {
  const mode = request.hostConfig.networkMode;
  const { config, hostConfig } = request;
  if (mode.startsWith('container:')) {
    if (mode === 'container:') throw invalid('network-mode', 'Invalid network mode: invalid container format container:<name|id>');
    if (config.hostname !== '') throw invalid('network-mode', 'conflicting options: hostname and the network mode');
    if (hostConfig.dns.length > 0) throw invalid('network-mode', 'conflicting options: dns and the network mode');
    if (hostConfig.extraHosts.length > 0) throw invalid('network-mode', 'conflicting options: custom host-to-IP mapping and the network mode');
    if (request.macAddress !== '') throw invalid('network-mode', 'conflicting options: mac-address and the network mode');
    if (Object.keys(hostConfig.portBindings).length > 0 || hostConfig.publishAllPorts) {
      throw invalid('network-mode', 'conflicting options: port publishing and the container type network mode');
    }
  }
  if (mode === 'host' && (Object.keys(hostConfig.portBindings).length > 0 || hostConfig.publishAllPorts)) {
    request.warnings.push('Published ports are discarded when using host network mode');
  }
  if ((mode === 'host' || mode === 'none') && request.macAddress !== '') {
    throw invalid('network-mode', 'conflicting options: mac-address and the network mode');
  }
}
