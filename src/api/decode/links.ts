/**
 * `HostConfig.Links` (`--link NAME[:ALIAS]`) as moby's ParseLink reads it: a container name or id,
 * a leading slash dropped, the alias defaulting to the name. Docker refuses links with host and
 * container: network modes (runconfig's validateNetMode); names are checked for shape here as
 * they reach /etc/hosts and environment variable names.
 */
import { invalid } from '../../errors/index.js';
import type { ContainerLink } from '../../model/container.js';
import { strings } from './json.js';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

export function parseLink(entry: string, field = 'HostConfig.Links'): ContainerLink {
  const parts = entry.split(':');
  const name = (parts[0] ?? '').replace(/^\//, '');
  const alias = (parts[1] ?? name).replace(/^\//, '');
  if (parts.length > 2 || !NAME.test(name) || !NAME.test(alias)) {
    throw invalid('link', `invalid ${field} (--link) ${JSON.stringify(entry.slice(0, 128))}: expected NAME[:ALIAS]`);
  }
  return { name, alias };
}

/** Links of the endpoint settings (the CLI repeats --link on the first user-defined network). */
function endpointLinks(networking: unknown): string[] {
  const endpoints = (networking as { EndpointsConfig?: unknown } | null | undefined)?.EndpointsConfig;
  if (typeof endpoints !== 'object' || endpoints === null) return [];
  return Object.entries(endpoints).flatMap(([name, settings]) => strings((settings as { Links?: unknown } | null)?.Links, `NetworkingConfig.EndpointsConfig.${JSON.stringify(name.slice(0, 64))}.Links`));
}

/** HostConfig.Links and the endpoints' Links, each link once. */
export function decodeLinks(value: unknown, networkMode: string, networking?: unknown): ContainerLink[] {
  const parsed = [...strings(value, 'HostConfig.Links'), ...endpointLinks(networking)].map((entry) => parseLink(entry));
  const links = parsed.filter((link, index) => parsed.findIndex((other) => other.name === link.name && other.alias === link.alias) === index);
  if (links.length === 0) return links;
  if (networkMode === 'host') throw invalid('network-mode', 'conflicting options: host type networking can\'t be used with links. This would result in undefined behavior');
  if (networkMode.startsWith('container:')) throw invalid('network-mode', 'conflicting options: container type network can\'t be used with links. This would result in undefined behavior');
  return links;
}
