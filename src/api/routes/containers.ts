/** Container routes except the streaming ones (attach, logs, exec live in their own files). */
import type { ContainerService } from '../../engine/containers/container-service.js';
import { CONTAINER_FILTERS } from '../../engine/containers/list-filter.js';
import { networkViews } from '../../engine/containers/views.js';
import type { EndpointService } from '../../engine/networks/endpoint-service.js';
import { parseFilters } from '../../util/filters.js';
import type { NetworkService } from '../../engine/networks/network-service.js';
import type { HostConfinement } from '../../model/security.js';
import { decodeContainerCreate } from '../decode/container-create.js';
import { decodeContainerUpdate } from '../decode/container-update.js';
import type { ResourceLimits } from '../decode/resources.js';
import type { ContainerResourceService } from '../../engine/containers/container-resources.js';
import { invalid } from '../../errors/index.js';
import { parseSignal } from '../../engine/containers/signals.js';
import { containerLifecycleRoutes } from './container-lifecycle.js';
import { commonHeaders, readJson, sendEmpty, sendJson } from '../http.js';
import { renderInspect, renderListItem } from '../render/container.js';
import { whenAborted } from '../../engine/containers/waiters.js';
import type { Router } from '../router.js';

export interface ContainerRouteDeps {
  containers: ContainerService;
  networks: NetworkService;
  endpoints: EndpointService;
  sandboxPath: (name: string) => string;
  /** What this host confines containers with (decoding refuses what it can't apply). */
  confinement: HostConfinement;
  /** What its resources allow (`--cpus` up to its CPUs). */
  limits: ResourceLimits;
  resources: ContainerResourceService;
  /** A volume's directory by name (Mounts' Source). */
  volumeSource?: (name: string) => string;
}

const flag = (value: string | null): boolean => value === '1' || value === 'true' || value === 'True';
/** Stop timeout in seconds (`t`); absent: the container's --stop-timeout, else 10, as Docker. */
const timeout = (query: URLSearchParams): number | undefined => {
  const text = query.get('t');
  if (text === null || text === '') return undefined;
  if (!/^-?\d{1,9}$/.test(text)) throw invalid('request', `invalid value for t: "${text}"`);
  return Number(text);
};
/** Stop signal (`signal`, API 1.42); absent: the container's --stop-signal, else SIGTERM. */
const stopSignal = (query: URLSearchParams): string | undefined => {
  const text = query.get('signal');
  return text === null || text === '' ? undefined : String(parseSignal(text));
};

export function containerRoutes(router: Router, deps: ContainerRouteDeps): void {
  const { containers } = deps;
  const views = (container: Parameters<typeof networkViews>[0]) => networkViews(container, deps);

  router.add('POST', '/containers/create', async ({ request, response, query }) => {
    const created = await containers.create(decodeContainerCreate(await readJson(request), deps.confinement, deps.limits), query.get('name') || undefined);
    sendJson(response, 201, { Id: created.id, Warnings: created.warnings });
  });

  // The resource limits conet applies are applied live, and the restart policy; any other field asked for is refused, naming it.
  router.add('POST', '/containers/{id}/update', async ({ request, response, params }) => {
    const { update, restartPolicy, warnings } = decodeContainerUpdate(await readJson(request), deps.limits);
    const applied = await deps.resources.update(params['id'] ?? '', update);
    if (restartPolicy) await containers.updateRestartPolicy(params['id'] ?? '', restartPolicy);
    sendJson(response, 200, { Warnings: [...warnings, ...applied] });
  });
  containerLifecycleRoutes(router, deps);

  router.add('GET', '/containers/json', ({ response, query, version }) => {
    const filters = parseFilters(query.get('filters'), CONTAINER_FILTERS);
    const list = containers.list({ all: flag(query.get('all')), limit: Number(query.get('limit') ?? '-1'), filters }, (container) =>
      views(container).flatMap((view) => [view.network.name, view.network.id]),
    );
    sendJson(response, 200, list.map((container) => renderListItem(container, views(container), version, Date.now(), deps.volumeSource)));
  });

  router.add('GET', '/containers/{id}/json', ({ response, params, version }) => {
    const container = containers.get(params['id'] ?? '');
    const sandbox = container.hostConfig.networkMode === 'host' ? '/proc/1/ns/net' : container.sandbox ? deps.sandboxPath(container.sandbox) : '';
    sendJson(response, 200, renderInspect(container, views(container), { directory: containers.directoryOf(container.id), logPath: containers.logPathOf(container.id), sandboxKey: sandbox, ...(deps.volumeSource ? { volumeSource: deps.volumeSource } : {}) }, version));
  });

  router.add('POST', '/containers/{id}/start', async ({ response, params }) => {
    sendEmpty(response, (await containers.start(params['id'] ?? '')) ? 204 : 304);
  });

  router.add('POST', '/containers/{id}/stop', async ({ response, params, query }) => {
    sendEmpty(response, (await containers.stop(params['id'] ?? '', timeout(query), stopSignal(query))) ? 204 : 304);
  });

  router.add('POST', '/containers/{id}/restart', async ({ response, params, query }) => {
    await containers.restart(params['id'] ?? '', timeout(query), stopSignal(query));
    sendEmpty(response, 204);
  });

  router.add('POST', '/containers/{id}/kill', async ({ response, params, query }) => {
    await containers.kill(params['id'] ?? '', query.get('signal') ?? undefined);
    sendEmpty(response, 204);
  });

  router.add('DELETE', '/containers/{id}', async ({ response, params, query }) => {
    await containers.remove(params['id'] ?? '', { force: flag(query.get('force')), volumes: flag(query.get('v')) });
    sendEmpty(response, 204);
  });

  // The CLI sends `start` only once these headers have arrived, so they go out at once.
  router.add('POST', '/containers/{id}/wait', async ({ response, params, query }) => {
    // A client that leaves takes its waiter with it (a closed response aborts it).
    const gone = new AbortController();
    const done = containers.wait(params['id'] ?? '', query.get('condition') || undefined, gone.signal);
    response.once('close', () => gone.abort());
    response.writeHead(200, { ...commonHeaders(), 'Content-Type': 'application/json' });
    response.flushHeaders();
    const code = await Promise.race([done, whenAborted(gone.signal).then(() => undefined)]);
    if (code !== undefined && !gone.signal.aborted) response.end(`${JSON.stringify({ Error: null, StatusCode: code })}\n`);
  });
}
