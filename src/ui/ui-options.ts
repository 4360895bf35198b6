/**
 * The web view's listen address (`--ui ADDR`, config key `ui`): HOST:PORT with HOST an IPv4
 * address, a bracketed IPv6 address or `localhost`. Off by default. A non-loopback HOST is
 * refused unless `--ui-allow-remote` (config key `ui-allow-remote`) says so: the view shows the
 * whole topology, so it stays on this machine unless someone decides otherwise.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { invalid } from '../errors/index.js';

export interface UiListen {
  /** Address to bind: an IP literal (`localhost` becomes 127.0.0.1). */
  host: string;
  /** 0 picks a free port; the daemon logs the one it got. */
  port: number;
  allowRemote: boolean;
}

const ADDRESS = /^(\[[0-9A-Fa-f:.]+\]|[0-9.]+|localhost):(\d{1,5})$/;

export function isLoopback(host: string): boolean {
  if (isIPv4(host)) return host.startsWith('127.');
  return host === '::1';
}

export function parseUiAddress(text: string, allowRemote = false): UiListen {
  const match = ADDRESS.exec(text);
  const rawHost = match?.[1] ?? '';
  const host = rawHost === 'localhost' ? '127.0.0.1' : rawHost.replace(/^\[|\]$/g, '');
  const port = Number(match?.[2] ?? -1);
  if (!match || !(isIPv4(host) || isIPv6(host)) || port > 65535) {
    throw invalid('config', `invalid ui address ${JSON.stringify(text)}: expected HOST:PORT, e.g. 127.0.0.1:7380`);
  }
  if (!isLoopback(host) && !allowRemote) {
    throw invalid('config', `ui address ${JSON.stringify(text)} is not a loopback address: add --ui-allow-remote (config "ui-allow-remote": true) to serve the view beyond this machine`);
  }
  return { host, port, allowRemote };
}
