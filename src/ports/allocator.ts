/**
 * Host ports in use by published bindings, and the choice of ephemeral ports for -P / HostPort "".
 *
 * Like libnetwork's portallocator: the ephemeral range is the host's ip_local_port_range, a
 * dynamic port is the first free one after the last one handed out for that (address, protocol,
 * range), wrapping at the end, so ports are not reused right after release. Unlike it, overlap
 * is checked across addresses: 0.0.0.0 covers every address of both families (a 0.0.0.0 binding
 * is also published on IPv6), '::' every IPv6 address, so 0.0.0.0:8000 and 127.0.0.1:8000 can't
 * both be DNAT-ed. Pure and synchronous: a claim is atomic between two awaits of the engine.
 */
import { system } from '../errors/index.js';
import type { PortProtocol } from '../model/port.js';
import type { PortRange } from './spec.js';

/** ip:port as Docker prints it, [v6]:port for IPv6. */
export function hostAddressText(hostIp: string, port: number | string): string {
  return hostIp.includes(':') ? `[${hostIp}]:${port}` : `${hostIp}:${port}`;
}

export function portAlreadyAllocated(hostIp: string, port: number): Error {
  return system('port-already-allocated', `Bind for ${hostAddressText(hostIp, port)} failed: port is already allocated`);
}

export function allPortsAllocated(): Error {
  return system('all-ports-allocated', 'all ports are allocated');
}

/** Whether a binding on `a` and one on `b` would take the same packets. */
export function hostIpsOverlap(a: string, b: string): boolean {
  if (a === b || a === '0.0.0.0' || b === '0.0.0.0') return true;
  if (a === '::') return b.includes(':');
  if (b === '::') return a.includes(':');
  return false;
}

export class PortAllocator {
  readonly range: PortRange;
  /** protocol/port -> host addresses holding it. */
  readonly #used = new Map<string, Set<string>>();
  /** address/protocol/range -> last port handed out. */
  readonly #last = new Map<string, number>();

  /** `range` is ip_local_port_range, e.g. { start: 32768, end: 60999 }. */
  constructor(range: PortRange) {
    if (!Number.isInteger(range.start) || !Number.isInteger(range.end) || range.start < 1 || range.end > 65535 || range.end < range.start) {
      throw new RangeError(`invalid ephemeral port range ${range.start}-${range.end}`);
    }
    this.range = { ...range };
  }

  isFree(hostIp: string, protocol: PortProtocol, port: number): boolean {
    const holders = this.#used.get(`${protocol}/${port}`);
    if (holders === undefined) return true;
    for (const holder of holders) if (hostIpsOverlap(holder, hostIp)) return false;
    return true;
  }

  /** Takes one specific port; "port is already allocated" if an overlapping binding holds it. */
  claim(hostIp: string, protocol: PortProtocol, port: number): void {
    if (!this.isFree(hostIp, protocol, port)) throw portAlreadyAllocated(hostIp, port);
    const key = `${protocol}/${port}`;
    const holders = this.#used.get(key) ?? new Set<string>();
    holders.add(hostIp);
    this.#used.set(key, holders);
  }

  /** Gives a port back; releasing one that isn't held is a no-op (teardown is idempotent). */
  release(hostIp: string, protocol: PortProtocol, port: number): void {
    const key = `${protocol}/${port}`;
    const holders = this.#used.get(key);
    holders?.delete(hostIp);
    if (holders?.size === 0) this.#used.delete(key);
  }

  /** Free ports of `range` (default: the ephemeral range) in the order allocate() tries them. */
  *candidates(hostIp: string, protocol: PortProtocol, range: PortRange = this.range): Generator<number> {
    const last = this.#last.get(this.#cursorKey(hostIp, protocol, range)) ?? range.end;
    const size = range.end - range.start + 1;
    for (let step = 1; step <= size; step += 1) {
      const port = range.start + ((last - range.start + step) % size);
      if (this.isFree(hostIp, protocol, port)) yield port;
    }
  }

  /**
   * Claims the next free port of `range` (default: ephemeral), skipping ports `skip` rejects
   * (e.g. ones another process has bound); "all ports are allocated" when none is left.
   */
  allocate(hostIp: string, protocol: PortProtocol, options: { range?: PortRange; skip?: (port: number) => boolean } = {}): number {
    const range = options.range ?? this.range;
    for (const port of this.candidates(hostIp, protocol, range)) {
      if (options.skip?.(port)) continue;
      this.claim(hostIp, protocol, port);
      this.#last.set(this.#cursorKey(hostIp, protocol, range), port);
      return port;
    }
    throw allPortsAllocated();
  }

  #cursorKey(hostIp: string, protocol: PortProtocol, range: PortRange): string {
    return `${hostIp}/${protocol}/${range.start}-${range.end}`;
  }
}
