/**
 * Where the daemon is, found as the docker CLI finds it: `--host`, then `CONET_HOST`, then
 * `DOCKER_HOST`, then the default socket. Only `unix://PATH` and `tcp://HOST:PORT` (plain HTTP)
 * are understood; anything else is refused with a message naming the value and where it came from.
 */
export const DEFAULT_SOCKET = '/run/conet/docker.sock';

export type DaemonAddress =
  | { kind: 'unix'; socketPath: string; source: HostSource }
  | { kind: 'tcp'; host: string; port: number; source: HostSource };

export type HostSource = '--host' | 'CONET_HOST' | 'DOCKER_HOST' | 'default';

export class HostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostError';
  }
}

/** The first of flag, CONET_HOST, DOCKER_HOST that is set and non-empty; else the default socket. */
export function resolveDaemonAddress(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): DaemonAddress {
  const candidates: [HostSource, string | undefined][] = [
    ['--host', flag],
    ['CONET_HOST', env['CONET_HOST']],
    ['DOCKER_HOST', env['DOCKER_HOST']],
  ];
  for (const [source, value] of candidates) {
    if (value !== undefined && value !== '') return parseDaemonHost(value, source);
  }
  return { kind: 'unix', socketPath: DEFAULT_SOCKET, source: 'default' };
}

export function parseDaemonHost(value: string, source: HostSource): DaemonAddress {
  if (value.startsWith('unix://')) {
    const socketPath = value.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new HostError(`${source} ${JSON.stringify(value)}: a unix socket needs an absolute path (unix:///PATH)`);
    return { kind: 'unix', socketPath, source };
  }
  if (value.startsWith('tcp://')) return parseTcp(value, source);
  throw new HostError(`${source} ${JSON.stringify(value)}: only unix:///PATH and tcp://HOST:PORT are supported`);
}

function parseTcp(value: string, source: HostSource): DaemonAddress {
  const rest = value.slice('tcp://'.length).replace(/\/$/, '');
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(rest);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) throw new HostError(`${source} ${JSON.stringify(value)}: expected tcp://HOST:PORT`);
  return { kind: 'tcp', host: (match[1] ?? '').replace(/^\[|\]$/g, ''), port, source };
}

/** The address as a user writes it, for messages. */
export function formatDaemonAddress(address: DaemonAddress): string {
  return address.kind === 'unix' ? `unix://${address.socketPath}` : `tcp://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}
