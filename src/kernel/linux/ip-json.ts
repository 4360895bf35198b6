/** Typed views of `ip -json` output: only the fields we read. */
import type { AddressInfo, LinkInfo, RouteInfo } from '../ports.js';

interface RawLink {
  ifindex: number;
  ifname: string;
  flags?: string[];
  mtu?: number;
  address?: string;
  ifalias?: string;
  master?: string;
  linkinfo?: { info_kind?: string };
  addr_info?: Array<{ family: string; local: string; prefixlen: number }>;
}

interface RawRoute {
  dst: string;
  dev?: string;
  gateway?: string;
}

function parseArray<T>(text: string): T[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const value: unknown = JSON.parse(trimmed);
  return Array.isArray(value) ? (value as T[]) : [];
}

export function parseLinks(text: string): LinkInfo[] {
  return parseArray<RawLink>(text).map((raw) => ({
    name: raw.ifname,
    index: raw.ifindex,
    kind: raw.linkinfo?.info_kind ?? '',
    up: raw.flags?.includes('UP') ?? false,
    mtu: raw.mtu ?? 0,
    mac: raw.address ?? '',
    alias: raw.ifalias ?? '',
    master: raw.master ?? '',
  }));
}

export function parseAddresses(text: string): AddressInfo[] {
  const result: AddressInfo[] = [];
  for (const raw of parseArray<RawLink>(text)) {
    for (const info of raw.addr_info ?? []) {
      if (info.family !== 'inet' && info.family !== 'inet6') continue;
      result.push({ link: raw.ifname, family: info.family, address: info.local, prefixLength: info.prefixlen });
    }
  }
  return result;
}

export function parseRoutes(text: string): RouteInfo[] {
  return parseArray<RawRoute>(text).map((raw) => ({
    destination: raw.dst,
    device: raw.dev ?? '',
    gateway: raw.gateway ?? '',
  }));
}
