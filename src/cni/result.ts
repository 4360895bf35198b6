/**
 * CNI results: the typed shape, decoding a `prevResult` (chaining: the result conet gives keeps
 * every interface, address and route an earlier plugin reported, and adds its own after them)
 * and rendering one per version (0.4.0 marks each address with its IP version).
 */
import type { Attachment } from '../engine/attachments/attachment.js';
import { bad, cidr, ipAddress, isObject, optionalString, type JsonObject } from './json-values.js';
import type { CniVersion } from './versions.js';

export interface ResultInterface {
  name: string;
  mac?: string;
  sandbox?: string;
}
export interface ResultIp {
  address: string;
  gateway?: string;
  interface?: number;
}
export interface ResultRoute {
  dst: string;
  gw?: string;
}
export interface CniResult {
  interfaces: ResultInterface[];
  ips: ResultIp[];
  routes: ResultRoute[];
  dns: { nameservers?: string[]; domain?: string; search?: string[]; options?: string[] };
}

const LIMIT = 256;

function list(object: JsonObject, field: string): unknown[] {
  const value = object[field] ?? [];
  if (!Array.isArray(value) || value.length > LIMIT) throw bad(`prevResult.${field}`, value, `a list of at most ${LIMIT}`);
  return value;
}

function entry(value: unknown, field: string): JsonObject {
  if (!isObject(value)) throw bad(`prevResult.${field}[]`, value, 'an object');
  return value;
}

function strings(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length > LIMIT || value.some((item) => typeof item !== 'string')) throw bad(field, value, 'a list of strings');
  return value as string[];
}

function decodeDns(value: unknown): CniResult['dns'] {
  if (value === undefined) return {};
  if (!isObject(value)) throw bad('prevResult.dns', value, 'an object');
  const dns: CniResult['dns'] = {};
  if (value['nameservers'] !== undefined) dns.nameservers = strings(value['nameservers'], 'dns.nameservers').map((server) => ipAddress(server, 'dns.nameservers[]'));
  const domain = optionalString(value, 'domain');
  if (domain !== undefined) dns.domain = domain;
  if (value['search'] !== undefined) dns.search = strings(value['search'], 'dns.search');
  if (value['options'] !== undefined) dns.options = strings(value['options'], 'dns.options');
  return dns;
}

export function decodePrevResult(value: unknown): CniResult {
  if (!isObject(value)) throw bad('prevResult', value, 'an object');
  const interfaces = list(value, 'interfaces').map((raw) => {
    const item = entry(raw, 'interfaces');
    const name = optionalString(item, 'name') ?? '';
    const mac = optionalString(item, 'mac');
    const sandbox = optionalString(item, 'sandbox');
    return { name, ...(mac ? { mac } : {}), ...(sandbox ? { sandbox } : {}) };
  });
  const ips = list(value, 'ips').map((raw) => {
    const item = entry(raw, 'ips');
    const index = item['interface'];
    if (index !== undefined && (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= interfaces.length)) throw bad('prevResult.ips[].interface', index, 'an index into interfaces');
    return { address: cidr(item['address'], 'prevResult.ips[].address'), ...(item['gateway'] !== undefined ? { gateway: ipAddress(item['gateway'], 'prevResult.ips[].gateway') } : {}), ...(typeof index === 'number' ? { interface: index } : {}) };
  });
  const routes = list(value, 'routes').map((raw) => {
    const item = entry(raw, 'routes');
    return { dst: cidr(item['dst'], 'prevResult.routes[].dst'), ...(item['gw'] !== undefined ? { gw: ipAddress(item['gw'], 'prevResult.routes[].gw') } : {}) };
  });
  return { interfaces, ips, routes, dns: decodeDns(value['dns']) };
}

/** The attachment appended to what came before (an empty result when conet is first). */
export function chainResult(previous: CniResult | undefined, attachment: Attachment, netnsPath: string): CniResult {
  const base: CniResult = previous ?? { interfaces: [], ips: [], routes: [], dns: {} };
  const interfaces = [...base.interfaces];
  if (attachment.hostIfname !== '') interfaces.push({ name: attachment.hostIfname });
  const index = interfaces.push({ name: attachment.ifname, mac: attachment.macAddress, sandbox: netnsPath }) - 1;
  const ips = [...base.ips];
  const routes = [...base.routes];
  for (const [address, gateway, all] of [[attachment.ipv4Address, attachment.gateway4, '0.0.0.0/0'], [attachment.ipv6Address, attachment.gateway6, '::/0']] as const) {
    if (address === '') continue;
    ips.push({ address, ...(gateway !== '' ? { gateway } : {}), interface: index });
    if (gateway !== '' && !attachment.internal) routes.push({ dst: all, gw: gateway });
  }
  return { interfaces, ips, routes, dns: base.dns };
}

export function renderResult(result: CniResult, version: CniVersion): string {
  const ips = version === '0.4.0' ? result.ips.map((ip) => ({ version: ip.address.includes(':') ? '6' : '4', ...ip })) : result.ips;
  return JSON.stringify({ cniVersion: version, interfaces: result.interfaces, ips, routes: result.routes, dns: result.dns });
}
