/**
 * Turns port requests into host ports: the allocator answers "published by us?", a PortProbe
 * answers "bound by another process?". Without a userland proxy nothing of ours listens on a
 * published port, and DNAT in prerouting would silently steal a port another program serves, so
 * such ports are refused (an explicit port) or skipped (a dynamic one).
 *
 * Each port is claimed in the allocator before the probe's await, so concurrent reservations
 * never pick the same port; on any failure every port this call claimed is released again.
 */
import { system } from '../errors/index.js';
import type { PortProtocol, PublishedPort } from '../model/port.js';
import type { PortProbe } from '../kernel/ports.js';

export type { PortProbe };
import { hostAddressText, type PortAllocator } from './allocator.js';
import type { PortRequest } from './spec.js';


/** A request with its host port decided. */
export type ReservedPort = PublishedPort;

/** Go's wording, which users know from Docker's proxy errors. */
export function addressInUse(hostIp: string, protocol: PortProtocol, port: number): Error {
  const family = hostIp.includes(':') ? '6' : '4';
  return system('port-in-use', `listen ${protocol}${family} ${hostAddressText(hostIp, port)}: bind: address already in use`);
}

async function reserveOne(allocator: PortAllocator, probe: PortProbe, request: PortRequest): Promise<number> {
  const { hostIp, protocol } = request;
  const range = request.hostPort;
  if (range !== null && range.start === range.end) {
    allocator.claim(hostIp, protocol, range.start);
    let busy: boolean;
    try {
      busy = await probe.inUse(hostIp, protocol, range.start);
    } catch (error) {
      allocator.release(hostIp, protocol, range.start);
      throw error;
    }
    if (!busy) return range.start;
    allocator.release(hostIp, protocol, range.start);
    throw addressInUse(hostIp, protocol, range.start);
  }
  const busyPorts = new Set<number>();
  for (;;) {
    // allocate() throws "all ports are allocated" once every candidate is taken or busy.
    const port = allocator.allocate(hostIp, protocol, { ...(range === null ? {} : { range }), skip: (candidate) => busyPorts.has(candidate) });
    let busy: boolean;
    try {
      busy = await probe.inUse(hostIp, protocol, port);
    } catch (error) {
      allocator.release(hostIp, protocol, port);
      throw error;
    }
    if (!busy) return port;
    allocator.release(hostIp, protocol, port);
    busyPorts.add(port);
  }
}

/** Reserves every request in order, all or nothing. */
export async function reservePorts(allocator: PortAllocator, probe: PortProbe, requests: readonly PortRequest[]): Promise<ReservedPort[]> {
  const reserved: ReservedPort[] = [];
  try {
    for (const request of requests) {
      const hostPort = await reserveOne(allocator, probe, request);
      reserved.push({ containerPort: request.containerPort, protocol: request.protocol, hostIp: request.hostIp, hostPort });
    }
    return reserved;
  } catch (error) {
    for (const port of reserved) allocator.release(port.hostIp, port.protocol, port.hostPort);
    throw error;
  }
}

/** Releases reserved ports (idempotent). */
export function releasePorts(allocator: PortAllocator, ports: readonly ReservedPort[]): void {
  for (const port of ports) allocator.release(port.hostIp, port.protocol, port.hostPort);
}
