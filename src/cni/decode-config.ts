/**
 * The network configuration on stdin, decoded once: JSON that doesn't parse is error 6, a value
 * of the wrong shape is 7, a field conet doesn't take is 2, a version it doesn't speak is 1.
 * Below this file nothing sees the runtime's JSON.
 */
import type { AttachmentNetworkSpec } from '../engine/attachments/attachment.js';
import { CNI_CODES, cniError } from './cni-error.js';
import { decodeRuntimeConfig, type RuntimeRequest } from './decode-runtime.js';
import { bad, cidr, integerIn, ipAddress, isObject, optionalBool, optionalString, type JsonObject } from './json-values.js';
import { decodePrevResult, type CniResult } from './result.js';
import { negotiate, type CniVersion } from './versions.js';

export const PLUGIN_TYPE = 'conet-cni';
const MAX_CONFIG_BYTES = 1 << 20;
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
const HOST = /^unix:\/\/\/[a-zA-Z0-9_./-]{1,200}$/;
const VALID_ATTACHMENTS = 'cni.dev/valid-attachments';

const KNOWN = new Set([
  'cniVersion', 'name', 'type', 'driver', 'subnet', 'gateway', 'ipRange', 'internal', 'ipMasq', 'bridge', 'mtu', 'parent',
  'conetHost', 'requireDaemon', 'capabilities', 'runtimeConfig', 'prevResult', 'args', 'dns', VALID_ATTACHMENTS,
]);

export interface CniConfig {
  cniVersion: CniVersion;
  name: string;
  spec: AttachmentNetworkSpec;
  /** The daemon's socket ("unix:///…") when the configuration names one. */
  conetHost?: string;
  /** STATUS fails (50) while the daemon doesn't answer. */
  requireDaemon: boolean;
  runtime: RuntimeRequest;
  prevResult?: CniResult;
  /** GC: the attachments the runtime still has. */
  validAttachments: Array<{ containerId: string; ifname: string }>;
}

export function parseConfigText(text: string): JsonObject {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) throw cniError(CNI_CODES.decodeFailure, 'network configuration is larger than 1 MiB');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw cniError(CNI_CODES.decodeFailure, `failed to decode the network configuration: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw cniError(CNI_CODES.decodeFailure, 'the network configuration must be a JSON object');
  return parsed;
}

function spec(config: JsonObject, name: string, range: RuntimeRequest['range']): AttachmentNetworkSpec {
  const driver = optionalString(config, 'driver') ?? 'bridge';
  if (driver !== 'bridge' && driver !== 'macvlan') throw cniError(CNI_CODES.invalidConfig, `unknown network driver ${JSON.stringify(driver.slice(0, 32))}: conet-cni makes bridge and macvlan networks`);
  const options: Record<string, string> = {};
  const bridge = optionalString(config, 'bridge');
  if (bridge !== undefined) options['com.docker.network.bridge.name'] = bridge;
  if (config['mtu'] !== undefined) options['com.docker.network.driver.mtu'] = String(integerIn(config['mtu'], 'mtu', 68, 65535));
  const parent = optionalString(config, 'parent');
  if (parent !== undefined) options['parent'] = parent;
  const subnet = config['subnet'] === undefined ? range?.subnet : cidr(config['subnet'], 'subnet');
  const gateway = config['gateway'] === undefined ? range?.gateway : ipAddress(config['gateway'], 'gateway');
  const ipRange = config['ipRange'] === undefined ? undefined : cidr(config['ipRange'], 'ipRange');
  return {
    name, driver, internal: optionalBool(config, 'internal') ?? false, masquerade: optionalBool(config, 'ipMasq') ?? true, options,
    ...(subnet ? { subnet } : {}), ...(gateway ? { gateway } : {}), ...(ipRange ? { ipRange } : {}),
  };
}

function validAttachments(value: unknown): CniConfig['validAttachments'] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 100_000) throw bad(VALID_ATTACHMENTS, value, 'a list of {containerID, ifname}');
  return value.map((item) => {
    if (!isObject(item) || typeof item['containerID'] !== 'string' || typeof item['ifname'] !== 'string') throw bad(`${VALID_ATTACHMENTS}[]`, item, '{containerID, ifname}');
    return { containerId: item['containerID'], ifname: item['ifname'] };
  });
}

export function decodeConfig(config: JsonObject): CniConfig {
  const cniVersion = negotiate(config['cniVersion']);
  const unknown = Object.keys(config).find((key) => !KNOWN.has(key));
  if (config['ipam'] !== undefined) throw cniError(CNI_CODES.unsupportedField, 'conet-cni allocates addresses itself: remove the "ipam" section');
  if (unknown !== undefined) throw cniError(CNI_CODES.unsupportedField, `unsupported field ${JSON.stringify(unknown.slice(0, 64))}`);
  const name = config['name'];
  if (typeof name !== 'string' || !NAME.test(name)) throw bad('name', name, 'a network name of [a-zA-Z0-9][a-zA-Z0-9_.-]');
  if (config['type'] !== PLUGIN_TYPE) throw bad('type', config['type'], `"${PLUGIN_TYPE}"`);
  const conetHost = optionalString(config, 'conetHost');
  if (conetHost !== undefined && !HOST.test(conetHost)) throw bad('conetHost', conetHost, 'unix:///absolute/path');
  const runtime = decodeRuntimeConfig(config);
  return {
    cniVersion, name, spec: spec(config, name, runtime.range), runtime,
    requireDaemon: optionalBool(config, 'requireDaemon') ?? false,
    validAttachments: validAttachments(config[VALID_ATTACHMENTS]),
    ...(conetHost ? { conetHost } : {}),
    ...(config['prevResult'] !== undefined ? { prevResult: decodePrevResult(config['prevResult']) } : {}),
  };
}
