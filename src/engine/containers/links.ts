/**
 * Legacy `--link NAME:ALIAS` on the default bridge, as Docker 20.10 does it (moby daemon/links and
 * buildSandboxOptions): at start each linked container must be running on the default bridge; the
 * linking container gets an /etc/hosts line "IP\tALIAS HOSTNAME NAME" and Docker's environment
 * variables (ALIAS_PORT_80_TCP=tcp://IP:80 with _ADDR, _PORT, _PROTO; ALIAS_PORT for the lowest
 * port; _START/_END for runs of ports; ALIAS_NAME=/PARENT/ALIAS; ALIAS_ENV_X for the linked
 * container's own environment but PATH and HOME). Pure, over a lookup the caller passes.
 */
import { conflict, invalid } from '../../errors/index.js';
import type { Container, ContainerLink } from '../../model/container.js';

export interface LinkLookup {
  find(reference: string): Container | undefined;
  /** The container's IPv4 address on the default bridge, without prefix length. */
  bridgeAddressOf(containerId: string): string | undefined;
}

interface Port {
  port: number;
  proto: string;
}

/** "80/tcp" -> {80, tcp}, sorted as nat.Sort does: by number, tcp first. */
function portsOf(exposed: Record<string, unknown>): Port[] {
  const ports: Port[] = [];
  for (const key of Object.keys(exposed)) {
    const [number = '', proto = 'tcp'] = key.split('/');
    if (/^\d{1,5}$/.test(number)) ports.push({ port: Number(number), proto: proto.toLowerCase() });
  }
  return ports.sort((a, b) => a.port - b.port || (a.proto === 'tcp' ? -1 : b.proto === 'tcp' ? 1 : a.proto.localeCompare(b.proto)));
}

/** Docker's _START/_END variables for runs of two or more consecutive ports of one protocol. */
function rangeEnv(prefix: string, ip: string, ports: readonly Port[]): string[] {
  const env: string[] = [];
  let start = 0;
  for (let index = 1; index <= ports.length; index += 1) {
    const first = ports[start];
    const previous = ports[index - 1];
    const current = ports[index];
    if (current && previous && current.proto === previous.proto && current.port === previous.port + 1) continue;
    if (first && previous && previous !== first) {
      const key = `${prefix}_PORT_${first.port}_${first.proto.toUpperCase()}`;
      env.push(`${key}_START=${first.proto}://${ip}:${first.port}`, `${key}_ADDR=${ip}`, `${key}_PORT_START=${first.port}`, `${key}_PORT_END=${previous.port}`, `${key}_END=${first.proto}://${ip}:${previous.port}`);
    }
    start = index;
  }
  return env;
}

/** moby's Link.ToEnv for the link named `/PARENT/ALIAS` to a container at `ip`. */
export function linkEnv(linkName: string, ip: string, child: Pick<Container, 'config'>): string[] {
  const alias = (linkName.split('/').pop() ?? '').toUpperCase().replaceAll('-', '_');
  const ports = portsOf(child.config.exposedPorts);
  const env: string[] = [];
  const lowest = ports[0];
  if (lowest) env.push(`${alias}_PORT=${lowest.proto}://${ip}:${lowest.port}`);
  env.push(...rangeEnv(alias, ip, ports));
  for (const { port, proto } of ports) {
    const key = `${alias}_PORT_${port}_${proto.toUpperCase()}`;
    env.push(`${key}=${proto}://${ip}:${port}`, `${key}_ADDR=${ip}`, `${key}_PORT=${port}`, `${key}_PROTO=${proto}`);
  }
  env.push(`${alias}_NAME=${linkName}`);
  for (const entry of child.config.env) {
    const at = entry.indexOf('=');
    if (at <= 0) continue;
    const key = entry.slice(0, at);
    if (key !== 'HOME' && key !== 'PATH') env.push(`${alias}_ENV_${key}=${entry.slice(at + 1)}`);
  }
  return env;
}

/** Docker's ReplaceOrAppendEnvValues: the container's own variables win over the links'. */
export function mergeEnv(defaults: readonly string[], overrides: readonly string[]): string[] {
  const keyOf = (entry: string): string => entry.split('=')[0] ?? entry;
  const overridden = new Set(overrides.map(keyOf));
  return [...defaults.filter((entry) => !overridden.has(keyOf(entry))), ...overrides];
}

export interface LinkSetup {
  /** Environment variables of every link, in link order. */
  env: string[];
  /** /etc/hosts entries as --add-host takes them: "ALIAS HOSTNAME NAME:IP". */
  hosts: string[];
}

function linkedContainer(parent: Container, link: ContainerLink, lookup: LinkLookup): { child: Container; ip: string } {
  const child = lookup.find(link.name);
  const as = `/${link.name.replace(/^\//, '')} AS /${parent.name}/${link.alias}`;
  if (!child || child.state.status !== 'running') throw conflict('link-not-running', `Cannot link to a non running container: ${as}`);
  const ip = lookup.bridgeAddressOf(child.id);
  if (!ip) throw invalid('link-network', `Cannot link to /${child.name}, as it does not belong to the default network`);
  return { child, ip };
}

/** What the links of a container on the default bridge give it at start. */
export function linkSetup(parent: Container, lookup: LinkLookup): LinkSetup {
  const setup: LinkSetup = { env: [], hosts: [] };
  for (const link of parent.hostConfig.links ?? []) {
    const { child, ip } = linkedContainer(parent, link, lookup);
    setup.env.push(...linkEnv(`/${parent.name}/${link.alias}`, ip, child));
    const names = [link.alias, child.config.hostname, ...(link.alias === child.name ? [] : [child.name])].filter(Boolean);
    setup.hosts.push(`${[...new Set(names)].join(' ')}:${ip}`);
  }
  return setup;
}
