/**
 * The health monitor over the container service and the runtime's exec: its watches follow each
 * container's start, adoption, exit and removal. Status changes are container events
 * (`health_status: healthy|unhealthy`, as Docker's) on the events bus, and a log line.
 */
import type { ContainerService } from '../engine/containers/container-service.js';
import type { ContainerStreams } from '../engine/containers/dependencies.js';
import { execProbe } from '../engine/health/exec-probe.js';
import { HealthMonitor } from '../engine/health/health-monitor.js';
import type { Logger } from '../util/logger.js';

export function wireHealth(containers: ContainerService, streams: ContainerStreams, logger: Logger): HealthMonitor {
  const monitor = new HealthMonitor({
    find: (id) => containers.find(id),
    save: (container) => containers.save(container),
    probe: execProbe(streams, (id) => containers.directoryOf(id)),
    logger,
    listener: (container, status) => {
      logger.info('container health', { id: container.id, status });
      containers.emit(container, `health_status: ${status}`);
    },
  });
  containers.onLifecycle({
    started: (container, how) => monitor.start(container, { resume: how === 'adopt' }),
    exited: (container) => monitor.stop(container.id),
  });
  containers.onRemoved((id) => monitor.stop(id));
  return monitor;
}
