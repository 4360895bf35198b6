/**
 * Decoding of `POST /containers/create` (Config, HostConfig, NetworkingConfig) into the engine's
 * CreateContainerRequest: every field we act on is type-checked here, port bindings and MAC
 * addresses are parsed; the rest of HostConfig is kept raw so inspect can echo it. Network-mode
 * conflicts are refused with Docker's messages (runconfig's validateNetMode), before anything is
 * created. First of all, every field conet doesn't apply is refused when set (create-fields.ts).
 */
import { availableParallelism } from 'node:os';
import { invalid } from '../../errors/index.js';
import type { CreateContainerRequest } from '../../engine/containers/create-request.js';
import type { ContainerConfig, EndpointRequest } from '../../model/container.js';
import { decodeNetworkingConfig } from './endpoint-settings.js';
import type { HostConfinement } from '../../model/security.js';
import { decodeCapabilities } from './capabilities.js';
import { CREATE_FIELDS } from './create-fields.js';
import { checkFields } from './create-fields-check.js';
import { bool, command, object, string, stringMap, strings, type Json } from './json.js';
import { decodeIsolation } from './isolation.js';
import { decodeLinks } from './links.js';
import { decodeLogConfig } from './log-config.js';
import { decodeMounts } from './mounts.js';
import { checkVolumeDriver, decodeConfigVolumes, decodeVolumesFrom } from './container-volumes.js';
import { decodeHealthcheck } from './healthcheck.js';
import { decodeResources, type ResourceLimits } from './resources.js';
import { decodeRestartPolicy, decodeStopSignal, decodeStopTimeout } from './lifecycle.js';
import { parseMacAddress } from './mac-address.js';
import { parsePortBindings, readPortBindings } from './port-bindings.js';
import { decodeSecurityOpts } from './security-opts.js';

export type { CreateContainerRequest };

/** `user[:group]`, names or numbers (resolved in the container's own files at start). */
function decodeUser(value: unknown): string {
  const user = string(value, 'User');
  if (user !== '' && !/^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}(?::[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63})?$/.test(user)) {
    throw invalid('user', `invalid User (--user) ${JSON.stringify(user.slice(0, 64))}: expected user[:group], names or numbers`);
  }
  return user;
}

function decodeConfig(raw: Json): ContainerConfig {
  const image = string(raw['Image'], 'Image');
  if (image === '') throw invalid('request', 'No command specified: an image is required');
  const healthcheck = decodeHealthcheck(raw['Healthcheck']);
  return {
    hostname: string(raw['Hostname'], 'Hostname'),
    domainname: string(raw['Domainname'], 'Domainname'),
    user: decodeUser(raw['User']),
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
    ...(healthcheck ? { healthcheck } : {}),
    volumes: decodeConfigVolumes(raw['Volumes']),
    stopSignal: decodeStopSignal(raw['StopSignal']),
    stopTimeout: decodeStopTimeout(raw['StopTimeout']),
  };
}

/**
 * `confinement`: what this host confines with (AppArmor options are refused where it has none, and
 * by default); `limits`: what its resources allow (`--cpus` up to its CPUs).
 */
export function decodeContainerCreate(body: unknown, confinement: Pick<HostConfinement, 'appArmor'> = { appArmor: false }, limits: ResourceLimits = { cpus: availableParallelism() }): CreateContainerRequest {
  const raw = object(body, 'request body');
  if (body === undefined || body === null) throw invalid('request', 'request body must be a JSON object');
  const dropped = checkFields(raw, CREATE_FIELDS);
  const resourceWarnings: string[] = [];
  const host = object(raw['HostConfig'], 'HostConfig');
  const config = decodeConfig(raw);
  const networkMode = string(host['NetworkMode'], 'HostConfig.NetworkMode') || 'default';
  const autoRemove = bool(host['AutoRemove'], 'HostConfig.AutoRemove');
  const portBindings = readPortBindings(host['PortBindings']);
  const hostConfig = {
    networkMode,
    publishAllPorts: bool(host['PublishAllPorts'], 'HostConfig.PublishAllPorts'),
    dns: strings(host['Dns'], 'HostConfig.Dns'),
    dnsOptions: strings(host['DnsOptions'], 'HostConfig.DnsOptions'),
    dnsSearch: strings(host['DnsSearch'], 'HostConfig.DnsSearch'),
    extraHosts: strings(host['ExtraHosts'], 'HostConfig.ExtraHosts'),
    autoRemove,
    restartPolicy: decodeRestartPolicy(host['RestartPolicy'], autoRemove),
    capabilities: decodeCapabilities(host['CapAdd'], host['CapDrop']),
    security: { ...decodeSecurityOpts(host['SecurityOpt'], confinement), ...(bool(host['Privileged'], 'HostConfig.Privileged') ? { privileged: true } : {}) },
    isolation: decodeIsolation(host, networkMode),
    links: decodeLinks(host['Links'], networkMode, raw['NetworkingConfig']),
    logConfig: decodeLogConfig(host['LogConfig']),
    mounts: decodeMounts(host),
    resources: decodeResources(host, limits, resourceWarnings),
    volumesFrom: decodeVolumesFrom(host['VolumesFrom']),
    raw: host,
  };
  checkVolumeDriver(host['VolumeDriver']);
  const endpointRequests = decodeNetworkingConfig(raw['NetworkingConfig']);
  const macAddress = string(raw['MacAddress'], 'MacAddress');
  const publishing = portBindings.length > 0 || hostConfig.publishAllPorts;
  const warnings = validateNetworkMode({ mode: hostConfig.networkMode, hostname: config.hostname, dns: hostConfig.dns, extraHosts: hostConfig.extraHosts, macAddress, publishing });
  const mac = parseMacAddress(macAddress);
  if (mac !== '') primaryMacAddress(endpointRequests, hostConfig.networkMode, mac);
  return { config, hostConfig: { ...hostConfig, portBindings: parsePortBindings(portBindings) }, endpointRequests, warnings: [...dropped, ...resourceWarnings, ...warnings] };
}

/**
 * `--mac-address`: up to API 1.43 the CLI sends it as Config.MacAddress; it belongs to the
 * endpoint on the container's primary network (API 1.44 moved it there the same way).
 */
function primaryMacAddress(requests: Record<string, EndpointRequest>, mode: string, mac: string): void {
  const key = mode === 'default' ? 'bridge' : mode;
  const existing = requests[key];
  if (existing?.macAddress) return;
  // Defined, not assigned: a network mode "__proto__" stays a key instead of setting the prototype.
  Object.defineProperty(requests, key, { value: { ...(existing ?? { aliases: [], ipv4Address: '', ipv6Address: '' }), macAddress: mac }, enumerable: true, writable: true, configurable: true });
}

interface ModeOptions {
  mode: string;
  hostname: string;
  dns: string[];
  extraHosts: string[];
  macAddress: string;
  /** Port bindings (even an empty list for a port) or -P. */
  publishing: boolean;
}

/** Docker's conflicts between the network mode and other options; returns the warnings. */
function validateNetworkMode(options: ModeOptions): string[] {
  const { mode } = options;
  if (mode.startsWith('container:')) {
    if (mode === 'container:') throw invalid('network-mode', 'Invalid network mode: invalid container format container:<name|id>');
    if (options.hostname !== '') throw invalid('network-mode', 'conflicting options: hostname and the network mode');
    if (options.dns.length > 0) throw invalid('network-mode', 'conflicting options: dns and the network mode');
    if (options.extraHosts.length > 0) throw invalid('network-mode', 'conflicting options: custom host-to-IP mapping and the network mode');
    if (options.macAddress !== '') throw invalid('network-mode', 'conflicting options: mac-address and the network mode');
    if (options.publishing) throw invalid('network-mode', 'conflicting options: port publishing and the container type network mode');
  }
  if ((mode === 'host' || mode === 'none') && options.macAddress !== '') {
    throw invalid('network-mode', 'conflicting options: mac-address and the network mode');
  }
  return mode === 'host' && options.publishing ? ['Published ports are discarded when using host network mode'] : [];
}
