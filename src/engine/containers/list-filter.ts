/** `GET /containers/json` filters (the subset Docker users reach for). */
import { invalid } from '../../errors/index.js';
import type { Container } from '../../model/container.js';
import { exactAny, matchesAny, matchesLabels, type Filters } from '../../util/filters.js';

export const CONTAINER_FILTERS = ['id', 'name', 'label', 'status', 'network', 'exited', 'ancestor', 'health'] as const;
const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];
const HEALTH = ['starting', 'healthy', 'unhealthy', 'none'];

/** The health filter's view: "none" without a healthcheck (or before its first start). */
function healthOf(container: Container): string {
  return container.state.health?.status ?? 'none';
}

export function containerFilter(filters: Filters, networksOf: (container: Container) => string[]): (container: Container) => boolean {
  for (const status of filters.get('status') ?? []) {
    if (!STATUSES.includes(status)) throw invalid('filters', `Unrecognised filter value for status: ${status}`);
  }
  for (const health of filters.get('health') ?? []) {
    if (!HEALTH.includes(health)) throw invalid('filters', `Unrecognised filter value for health: ${health}`);
  }
  return (container) => {
    if (!matchesAny(filters, 'id', container.id)) return false;
    if (!matchesAny(filters, 'name', `/${container.name}`)) return false;
    if (!matchesLabels(filters, 'label', container.config.labels)) return false;
    if (!exactAny(filters, 'status', container.state.paused && container.state.status === 'running' ? 'paused' : container.state.status)) return false;
    if (!exactAny(filters, 'health', healthOf(container))) return false;
    if (!exactAny(filters, 'ancestor', container.config.image) && !exactAny(filters, 'ancestor', container.imageId)) return false;
    const exited = filters.get('exited');
    if (exited && (container.state.status !== 'exited' || !exited.includes(String(container.state.exitCode)))) return false;
    const networks = filters.get('network');
    if (networks && !networks.some((network) => networksOf(container).includes(network))) return false;
    return true;
  };
}
