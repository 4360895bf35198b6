/**
 * The health monitor over the container service and the runtime's exec: its watches follow each
 * container's start, adoption, exit and removal. Status changes go to `listener` (the events bus,
 * once there is one: `health_status: healthy|unhealthy`).
 */
import type { ContainerService } from '../engine/containers/container-service.js';
import type { ContainerStreams } from '../engine/containers/dependencies.js';
import { execProbe } from '../engine/health/exec-probe.js';
import { HealthMonitor, type HealthListener } from '../engine/health/health-monitor.js';
import type { Logger } from '../util/logger.js';

export function wireHealth(containers: ContainerService, streams: ContainerStreams, logger: Logger, listener?: HealthListener): HealthMonitor {
  const monitor = new HealthMonitor({
    find: (id) => containers.find(id),
    save: (container) => containers.save(container),
    probe: execProbe(streams, (id) => containers.directoryOf(id)),
    logger,
    listener: listener ?? ((container, status) => logger.info('container health', { id: container.id, status })),
  });
  containers.onLifecycle({
    started: (container, how) => monitor.start(container, { resume: how === 'adopt' }),
    exited: (container) => monitor.stop(container.id),
  });
  containers.onRemoved((id) => monitor.stop(id));
  return monitor;
}
