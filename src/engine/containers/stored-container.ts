/**
 * Containers stored by earlier versions kept port bindings in Docker's map shape
 * (`{"80/tcp": [{hostIp: "", hostPort: "8000"}]}`, for requests and for published ports alike);
 * they are decoded into the typed lists on load. A binding that no longer parses is dropped (it
 * was validated when created, so this would only be a damaged record) rather than stopping the
 * daemon from starting.
 */
import type { Container, PortBinding, PublishedPort } from '../../model/container.js';
import { DEFAULT_ISOLATION } from '../../model/isolation.js';
import { DEFAULT_SECURITY } from '../../model/security.js';
import { parseContainerPort, parseHostIp, parseHostPort } from '../../util/port-spec.js';

type OldBindings = Record<string, Array<{ hostIp?: unknown; hostPort?: unknown }> | null>;

function oldEntries(value: OldBindings): Array<{ port: ReturnType<typeof parseContainerPort>; hostIp: string; hostPort: string }> {
  const entries = [];
  for (const [key, list] of Object.entries(value)) {
    for (const binding of list ?? []) {
      try {
        const hostIp = typeof binding.hostIp === 'string' ? binding.hostIp : '';
        entries.push({ port: parseContainerPort(key), hostIp: hostIp === '' ? '' : parseHostIp(hostIp), hostPort: typeof binding.hostPort === 'string' ? binding.hostPort : '' });
      } catch {
        // A damaged entry: dropped (see the head of the file).
      }
    }
  }
  return entries;
}

function requestedBindings(value: OldBindings): PortBinding[] {
  const bindings: PortBinding[] = [];
  for (const entry of oldEntries(value)) {
    try {
      bindings.push({ containerPort: entry.port.port, protocol: entry.port.protocol, hostIp: entry.hostIp, hostPort: parseHostPort(entry.hostPort) });
    } catch {
      // As above.
    }
  }
  return bindings;
}

function publishedPorts(value: OldBindings): PublishedPort[] {
  return oldEntries(value)
    .map((entry) => ({ containerPort: entry.port.port, protocol: entry.port.protocol, hostIp: entry.hostIp || '0.0.0.0', hostPort: Number(entry.hostPort) }))
    .filter((port) => Number.isInteger(port.hostPort) && port.hostPort > 0 && port.hostPort <= 65535);
}

/**
 * Records stored before `--cap-add`, `--cap-drop` and `--security-opt` were applied get what those
 * containers ran with then: the default capabilities, now under the default seccomp profile; those
 * from before `--read-only`, `--sysctl`, `--ulimit`... get none of those (what they ran with).
 */
function withConfinement(container: Container): Container {
  const { hostConfig } = container;
  if (hostConfig.capabilities !== undefined && hostConfig.security !== undefined && hostConfig.isolation !== undefined) return container;
  return {
    ...container,
    hostConfig: {
      ...hostConfig,
      capabilities: hostConfig.capabilities ?? { add: [], drop: [] },
      security: hostConfig.security ?? DEFAULT_SECURITY,
      isolation: hostConfig.isolation ?? DEFAULT_ISOLATION,
    },
  };
}

/** The stored record in the current shape (the same object when it already is). */
export function upgradeStoredContainer(stored: Container): Container {
  const container = withConfinement(stored);
  const bindings: unknown = container.hostConfig.portBindings;
  const ports: unknown = container.ports;
  if (Array.isArray(bindings) && Array.isArray(ports)) return container;
  return {
    ...container,
    hostConfig: { ...container.hostConfig, portBindings: Array.isArray(bindings) ? (bindings as PortBinding[]) : requestedBindings((bindings ?? {}) as OldBindings) },
    ports: Array.isArray(ports) ? (ports as PublishedPort[]) : publishedPorts((ports ?? {}) as OldBindings),
  };
}
