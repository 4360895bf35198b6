/**
 * HostConfig.PortBindings (`{"80/tcp": [{"HostIp": "", "HostPort": "8000"}]}`) -> typed
 * bindings, decoded once here; nothing below the API sees Docker's port map again. The CLI has
 * already split "80-85/tcp" into one key per port; a HostPort is "" or "0" (any free port),
 * "8000", or "8000-8005" (the first free one of the range).
 *
 * Two steps, as in Docker: the JSON shapes are checked with the rest of the body, Docker's port
 * grammar only after the network-mode conflicts (so those are reported first).
 */
import { invalid } from '../../errors/index.js';
import type { PortBinding } from '../../model/port.js';
import { parseContainerPort, parseHostIp, parseHostPort } from '../../util/port-spec.js';
import { object, string } from './json.js';

/** Container port key -> the bindings' text, keys with a null list left out. */
export type PortBindingsText = Array<[string, Array<{ hostIp: string; hostPort: string }>]>;

export function readPortBindings(value: unknown): PortBindingsText {
  const entries: PortBindingsText = [];
  for (const [key, list] of Object.entries(object(value, 'HostConfig.PortBindings'))) {
    if (list === null) continue;
    if (!Array.isArray(list)) throw invalid('request', `HostConfig.PortBindings.${key} must be an array`);
    entries.push([key, list.map((item, index) => {
      const binding = object(item, `HostConfig.PortBindings.${key}[${index}]`);
      return { hostIp: string(binding['HostIp'], 'HostIp'), hostPort: string(binding['HostPort'], 'HostPort') };
    })]);
  }
  return entries;
}

/** Docker's grammar over the text: 400s with Docker's messages; HostIp "" stays "" (any address). */
export function parsePortBindings(entries: PortBindingsText): PortBinding[] {
  const bindings: PortBinding[] = [];
  for (const [key, list] of entries) {
    const { port, protocol } = parseContainerPort(key);
    for (const { hostIp, hostPort } of list) {
      bindings.push({ containerPort: port, protocol, hostIp: hostIp === '' ? '' : parseHostIp(hostIp), hostPort: parseHostPort(hostPort) });
    }
  }
  return bindings;
}
