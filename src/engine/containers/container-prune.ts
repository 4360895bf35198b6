/**
 * `docker container prune` (POST /containers/prune): removes every container that is not running
 * (created, exited, dead) and matches the filters until, label and label!, as Docker's. A removal
 * that fails is skipped (Docker logs it and goes on); the space is the writable layers' size
 * measured before their removal. Docker's container "prune" event closes it.
 */
import type { Container } from '../../model/container.js';
import { parseFilters, pruneMatcher, type Filters } from '../../util/filters.js';
import { logError } from '../../util/log-error.js';
import type { Logger } from '../../util/logger.js';
import type { EventSink } from '../events/event-bus.js';
import type { ContainerService } from './container-service.js';

export const CONTAINER_PRUNE_FILTERS = ['until', 'label', 'label!'] as const;

export interface PruneDeps {
  containers: Pick<ContainerService, 'all' | 'remove'>;
  /** Bytes in a container's writable layer. */
  sizeRw(id: string): Promise<number>;
  bus?: EventSink;
  logger: Logger;
}

export function containerPruneFilter(filters: Filters, now: number = Date.now()): (container: Container) => boolean {
  const matches = pruneMatcher(filters, now);
  return (container) => matches(container.created, container.config.labels);
}

export async function pruneContainers(deps: PruneDeps, rawFilters: string | null): Promise<{ deleted: string[]; reclaimed: number }> {
  const wanted = containerPruneFilter(parseFilters(rawFilters, CONTAINER_PRUNE_FILTERS));
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const container of deps.containers.all()) {
    if (['running', 'paused', 'restarting', 'removing'].includes(container.state.status) || !wanted(container)) continue;
    // A layer that can't be measured (gone meanwhile) counts as nothing reclaimed; the removal decides.
    const size = await deps.sizeRw(container.id).catch(() => 0);
    const removed = await deps.containers.remove(container.id).then(
      () => true,
      (error: unknown) => logError(deps.logger, 'warn', 'container prune: a removal failed', { container: container.id })(error) ?? false,
    );
    if (!removed) continue;
    deleted.push(container.id);
    reclaimed += size;
  }
  deps.bus?.emit('container', 'prune', { id: '', attributes: { reclaimed: String(reclaimed) } });
  return { deleted, reclaimed };
}
