/** `GET /containers/json`: which containers, in which order (newest first), how many. */
import type { Container } from '../../model/container.js';
import type { Filters } from '../../util/filters.js';
import { containerFilter } from './list-filter.js';

export interface ContainerListQuery {
  /** Stopped containers too (`docker ps -a`). */
  all: boolean;
  /** At most this many when > 0 (`docker ps -n`). */
  limit: number;
  filters: Filters;
}

/** `networksOf`: the names and ids of the networks a container shows (for the network filter). */
export function listContainers(containers: readonly Container[], query: ContainerListQuery, networksOf: (container: Container) => string[]): Container[] {
  const filter = containerFilter(query.filters, networksOf);
  const list = containers
    // As Docker's `ps`: restarting containers count as running (paused ones are "running" here).
    .filter((container) => query.all || container.state.status === 'running' || container.state.status === 'restarting')
    .filter(filter)
    .sort((a, b) => b.created.localeCompare(a.created));
  return query.limit > 0 ? list.slice(0, query.limit) : list;
}
