/** Container routes except the streaming ones (attach, logs, exec live in their own files). */
import { invalid } from '../../errors/index.js';
import type { ContainerService } from '../../engine/containers/container-service.js';
import { decodeContainerCreate } from '../../engine/containers/create-request.js';
import { CONTAINER_FILTERS, containerFilter } from '../../engine/containers/list-filter.js';
import { networkViews } from '../../engine/containers/views.js';
import type { EndpointService } from '../../engine/networks/endpoint-service.js';
import { parseFilters } from '../../util/filters.js';
import type { NetworkService } from '../../engine/networks/network-service.js';
import { commonHeaders, readJson, sendEmpty, sendJson } from '../http.js';
import { renderInspect, renderListItem } from '../render/container.js';
import type { Router } from '../router.js';

export interface ContainerRouteDeps {
  containers: ContainerService;
  networks: NetworkService;
  endpoints: EndpointService;
  sandboxPath: (name: string) => string;
}

const flag = (value: string | null): boolean => value === '1' || value === 'true' || value === 'True';

export function containerRoutes(router: Router, deps: ContainerRouteDeps): void {
  const { containers } = deps;
  const views = (id: string) => networkViews(containers.get(id), deps);

  router.add('POST', '/containers/create', async ({ request, response, query }) => {
    const body = decodeContainerCreate(await readJson(request));
    const name = query.get('name');
    const created = await containers.create(body, name || undefined);
    sendJson(response, 201, { Id: created.id, Warnings: created.warnings });
  });

  router.add('GET', '/containers/json', ({ response, query }) => {
    const filter = containerFilter(parseFilters(query.get('filters'), CONTAINER_FILTERS), (container) =>
      networkViews(container, deps).flatMap((view) => [view.network.name, view.network.id]),
    );
    const all = flag(query.get('all'));
    const limit = Number(query.get('limit') ?? '-1');
    let list = containers
      .all()
      .filter((container) => all || container.state.status === 'running')
      .filter(filter)
      .sort((a, b) => b.created.localeCompare(a.created));
    if (limit > 0) list = list.slice(0, limit);
    sendJson(response, 200, list.map((container) => renderListItem(container, networkViews(container, deps))));
  });

  router.add('GET', '/containers/{id}/json', ({ response, params }) => {
    const container = containers.get(params['id'] ?? '');
    const sandbox = container.hostConfig.networkMode === 'host' ? '/proc/1/ns/net' : container.sandbox ? deps.sandboxPath(container.sandbox) : '';
    sendJson(response, 200, renderInspect(container, views(container.id), { directory: containers.directoryOf(container.id), sandboxKey: sandbox }));
  });

  router.add('POST', '/containers/{id}/start', async ({ response, params }) => {
    const started = await containers.start(params['id'] ?? '');
    sendEmpty(response, started ? 204 : 304);
  });

  router.add('POST', '/containers/{id}/stop', async ({ response, params, query }) => {
    const timeout = query.get('t');
    const stopped = await containers.stop(params['id'] ?? '', timeout === null ? 10 : Number(timeout));
    sendEmpty(response, stopped ? 204 : 304);
  });

  router.add('POST', '/containers/{id}/restart', async ({ response, params, query }) => {
    const id = params['id'] ?? '';
    const timeout = query.get('t');
    await containers.stop(id, timeout === null ? 10 : Number(timeout));
    await containers.start(id);
    sendEmpty(response, 204);
  });

  router.add('POST', '/containers/{id}/kill', async ({ response, params, query }) => {
    const signal = query.get('signal') ?? 'SIGKILL';
    if (!/^(SIG)?[A-Z0-9]+$/.test(signal)) throw invalid('signal', `Invalid signal: ${signal}`);
    await containers.kill(params['id'] ?? '', signal.startsWith('SIG') || /^\d+$/.test(signal) ? signal : `SIG${signal}`);
    sendEmpty(response, 204);
  });

  router.add('DELETE', '/containers/{id}', async ({ response, params, query }) => {
    await containers.remove(params['id'] ?? '', { force: flag(query.get('force')) });
    sendEmpty(response, 204);
  });

  // The CLI sends `start` only once these headers have arrived, so they go out at once.
  router.add('POST', '/containers/{id}/wait', async ({ request, response, params, query }) => {
    const container = containers.get(params['id'] ?? '');
    const condition = query.get('condition') || 'not-running';
    if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw invalid('wait-condition', `invalid condition: "${condition}"`);
    const done =
      condition === 'removed'
        ? containers.waiters.removal(container.id)
        : condition === 'not-running' && container.state.status !== 'running'
          ? Promise.resolve(container.state.exitCode)
          : containers.waiters.nextExit(container.id);
    response.writeHead(200, { ...commonHeaders(), 'Content-Type': 'application/json' });
    response.flushHeaders();
    let closed = false;
    request.socket.once('close', () => (closed = true));
    const code = await done;
    if (!closed) response.end(`${JSON.stringify({ Error: null, StatusCode: code })}\n`);
  });
}
