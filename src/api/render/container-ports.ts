/**
 * Typed port bindings back into Docker's port maps (`{"80/tcp": [{"HostIp": "", "HostPort":
 * "8000"}]}`): inspect's HostConfig.PortBindings and NetworkSettings.Ports, `docker port`, ps.
 */
import type { PortBinding, PublishedPort } from '../../model/port.js';
import { hostPortText } from '../../util/port-spec.js';

export type DockerPortMap = Record<string, Array<{ HostIp: string; HostPort: string }>>;

function group<T extends { containerPort: number; protocol: string }>(list: readonly T[], entry: (item: T) => { HostIp: string; HostPort: string }): DockerPortMap {
  const map: DockerPortMap = {};
  for (const item of list) (map[`${item.containerPort}/${item.protocol}`] ??= []).push(entry(item));
  return map;
}

/** The bindings as requested (HostIp "" when none was named, HostPort "" for any port). */
export function renderPortBindings(bindings: readonly PortBinding[]): DockerPortMap {
  return group(bindings, (binding) => ({ HostIp: binding.hostIp, HostPort: hostPortText(binding.hostPort) }));
}

/** The bindings in effect, host ports chosen. */
export function renderPublishedPorts(ports: readonly PublishedPort[]): DockerPortMap {
  return group(ports, (port) => ({ HostIp: port.hostIp, HostPort: String(port.hostPort) }));
}
