/**
 * What changed in response shapes between API 1.41 (Docker 20.10, what the renders produce) and
 * 1.50 (Docker 28.2), applied by negotiated version so a /v1.41 client keeps 1.41 shapes
 * (docs/api-versions.md lists every 1.42–1.50 change and what conet does with it).
 */
import { atLeast } from '../version.js';

type Json = Record<string, unknown>;

const without = (body: Json, keys: readonly string[]): Json =>
  Object.fromEntries(Object.entries(body).filter(([key]) => !keys.includes(key)));

/** Network inspect and list: `EnableIPv4` (1.48), shown before `EnableIPv6` as Docker 28 does. */
export function networkAt(body: Json, enableIPv4: boolean, version: string): Json {
  if (!atLeast(version, '1.48')) return body;
  const out: Json = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'EnableIPv6') out['EnableIPv4'] = enableIPv4;
    out[key] = value;
  }
  return out;
}

/** Image inspect: no `VirtualSize` (1.44), no `Container`/`ContainerConfig` (1.45). */
export function imageAt(body: Json, version: string): Json {
  const dropped = [...(atLeast(version, '1.44') ? ['VirtualSize'] : []), ...(atLeast(version, '1.45') ? ['Container', 'ContainerConfig'] : [])];
  return without(body, dropped);
}

/** Image list: no `VirtualSize` (1.44). */
export function imageSummaryAt(body: Json, version: string): Json {
  return atLeast(version, '1.44') ? without(body, ['VirtualSize']) : body;
}

/** Container HostConfig: `KernelMemory` and `KernelMemoryTCP` omitted when unset (1.42). */
export function hostConfigAt(body: Json, version: string): Json {
  if (!atLeast(version, '1.42')) return body;
  return without(body, ['KernelMemory', 'KernelMemoryTCP'].filter((key) => !body[key]));
}

export interface EndpointFacts {
  /** The container's short id, which 1.41–1.44 list among a user-defined network's aliases. */
  shortId: string;
  /** Non-qualified names on this network (1.44 `DNSNames`); null where there is no DNS. */
  dnsNames: string[] | null;
  gwPriority: number;
}

/**
 * EndpointSettings: `DNSNames` (1.44); `Aliases` are only what was asked for (1.45, the short id
 * moved to DNSNames); `GwPriority` (1.48).
 */
export function endpointAt(body: Json, facts: EndpointFacts, version: string): Json {
  if (!atLeast(version, '1.44')) return body;
  const out: Json = { ...body };
  if (atLeast(version, '1.45') && Array.isArray(body['Aliases'])) {
    const asked = (body['Aliases'] as string[]).filter((alias) => alias !== facts.shortId);
    out['Aliases'] = asked.length > 0 ? asked : null;
  }
  if (atLeast(version, '1.48')) out['GwPriority'] = facts.gwPriority;
  out['DNSNames'] = facts.dnsNames;
  return out;
}
