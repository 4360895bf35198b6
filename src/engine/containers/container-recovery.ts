/**
 * Start-up recovery after a restart or a crash (kill -9, even mid-start). Containers live on under
 * their monitors; the daemon re-adopts those still running and tidies everything else it owns:
 * containers that died meanwhile are marked exited and lose their network, endpoints without a
 * running container are disconnected, sandboxes carrying this daemon's prefix but belonging to
 * no running container are deleted, and so are container directories without a record (with their
 * runtime state and mounts). Nothing another daemon owns is touched. endpoint-repair.ts runs after
 * the networks are reconciled and fixes the veths of the containers that kept running.
 */
import type { SandboxPort } from '../../kernel/ports.js';
import type { Container } from '../../model/container.js';
import { isAttachmentOwner } from '../attachments/attachment.js';
import type { EndpointService } from '../networks/endpoint-service.js';
import type { NetworkService } from '../networks/network-service.js';
import type { ContainerService } from './container-service.js';
import { sandboxPrefix } from './network-attach.js';
import { recordFollowingEndpoints } from './recorded-networks.js';
import type { ContainerPublished } from './dependencies.js';
import { logError } from '../../util/log-error.js';
import { createLogger, type Logger } from '../../util/logger.js';

export interface RecoveryDeps {
  containers: ContainerService;
  endpoints: EndpointService;
  networks: NetworkService;
  sandboxes: SandboxPort;
  daemonShortId: string;
  /** Is the container's process still alive under its monitor? */
  isRunning(id: string): Promise<boolean>;
  /** Exit code a monitor recorded while the daemon was away. */
  exitCode(id: string): Promise<number | undefined>;
  interfaceOf(networkId: string): string;
  restorePorts(published: ContainerPublished): void;
  /** Tidy-ups that fail (stderr at warn when absent). */
  logger?: Logger;
}

export interface RecoveryReport {
  adopted: string[];
  exited: string[];
  strayEndpoints: number;
  straySandboxes: number;
  /** Container directories without a record (a crash mid-create or mid-rm), removed. */
  strayDirectories: number;
}

export async function recoverContainers(deps: RecoveryDeps): Promise<RecoveryReport> {
  const report: RecoveryReport = { adopted: [], exited: [], strayEndpoints: 0, straySandboxes: 0, strayDirectories: 0 };
  const alive = new Set<string>();
  for (const container of deps.containers.all()) {
    if (container.state.status !== 'running') {
      await deps.containers.cleanupRuntime(container.id);
      continue;
    }
    if (await deps.isRunning(container.id)) {
      alive.add(container.id);
      report.adopted.push(container.id);
      restorePorts(deps, container);
    } else {
      report.exited.push(container.id);
      await deps.containers.markExited(container.id, (await deps.exitCode(container.id)) ?? 255);
    }
  }
  for (const network of deps.networks.all()) {
    for (const endpoint of deps.endpoints.endpointsOf(network.id)) {
      // A CNI attachment's namespace is its runtime's: the runtime's DEL or GC removes it, not a restart.
      if (alive.has(endpoint.containerId) || isAttachmentOwner(endpoint.containerId)) continue;
      report.strayEndpoints += 1;
      await deps.endpoints.disconnect(network.id, endpoint.containerId).catch(logError(deps.logger ?? createLogger('warn'), 'warn', 'disconnecting a stray endpoint', { network: network.name, container: endpoint.containerId }));
    }
  }
  const prefix = sandboxPrefix(deps.daemonShortId);
  const wanted = new Set(deps.containers.all().filter((container) => alive.has(container.id)).map((container) => container.sandbox));
  for (const name of await deps.sandboxes.list()) {
    if (!name.startsWith(prefix) || wanted.has(name)) continue;
    report.straySandboxes += 1;
    await deps.sandboxes.remove(name);
  }
  report.strayDirectories = await removeStrayDirectories(deps);
  for (const id of report.adopted) await followEndpoints(deps, id);
  return report;
}

/** An adopted container's record names the networks it is on (a crash between a live connect or disconnect and its save). */
async function followEndpoints(deps: RecoveryDeps, id: string): Promise<void> {
  const container = deps.containers.get(id);
  const attached = deps.endpoints.endpointsOfContainer(id).flatMap((endpoint) => {
    const network = deps.networks.all().find((candidate) => candidate.id === endpoint.networkId);
    return network ? [{ network, endpoint }] : [];
  });
  const record = recordFollowingEndpoints(container, attached);
  if (!record) return;
  container.endpointRequests = record.endpointRequests;
  if (record.primaryDetached) container.primaryDetached = true;
  else delete container.primaryDetached;
  await deps.containers.save(container).catch(logError(deps.logger ?? createLogger('warn'), 'warn', 'saving the networks of an adopted container', { container: id }));
}

async function removeStrayDirectories(deps: RecoveryDeps): Promise<number> {
  const stray = await deps.containers.strayDirectories();
  for (const id of stray) {
    await deps.containers.removeStray(id).catch(logError(deps.logger ?? createLogger('warn'), 'warn', 'removing the directory of a container without a record', { container: id }));
  }
  return stray.length;
}

function restorePorts(deps: RecoveryDeps, container: Container): void {
  if (container.ports.length === 0) return;
  const [endpoint] = deps.endpoints.endpointsOfContainer(container.id).filter((candidate) => candidate.ifname === 'eth0');
  if (!endpoint) return;
  deps.restorePorts({
    containerId: container.id,
    networkId: endpoint.networkId,
    bridge: deps.interfaceOf(endpoint.networkId),
    containerAddress: endpoint.ipv4Address.split('/')[0] ?? '',
    ...(endpoint.ipv6Address ? { containerAddress6: endpoint.ipv6Address.split('/')[0] ?? '' } : {}),
    ports: container.ports,
  });
}
