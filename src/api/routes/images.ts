/**
 * /images routes and /auth. Pull (pull.ts), push (push.ts), save (save.ts), import and load answer with Docker's progress stream (JSON lines); the body is
 * a tar stream handed straight to the image service, never buffered here.
 */
import { invalid } from '../../errors/index.js';
import type { ImageCatalog } from '../../engine/images/catalog.js';
import { commonHeaders, readJson, sendEmpty, sendJson } from '../http.js';
import { renderImage, renderImageSummary } from '../render/image.js';
import type { Router } from '../router.js';
import type { ServerResponse } from 'node:http';
import { decodeLogin } from '../decode/registry-auth.js';
import { pullRoute } from './pull.js';
import { pushRoute } from './push.js';
import { saveRoute } from './save.js';

function sendStream(response: ServerResponse, messages: readonly object[]): void {
  response.writeHead(200, { ...commonHeaders(), 'Content-Type': 'application/json' });
  response.end(messages.map((message) => `${JSON.stringify(message)}\r\n`).join(''));
}

const truthy = (value: string | null): boolean => value === '1' || value === 'true';

/**
 * The router's parameters are single path segments, but image names may hold slashes
 * (`anchor/iperf3`, `registry:5000/team/app`): each image route is registered for 1 to 3 segments.
 */
const NAME_TEMPLATES = ['{n0}', '{n0}/{n1}', '{n0}/{n1}/{n2}'];
const nameOf = (params: Record<string, string>): string =>
  [params['n0'], params['n1'], params['n2']].filter((part): part is string => part !== undefined).join('/');

export function imageRoutes(router: Router, images: ImageCatalog): void {
  router.add('GET', '/images/json', ({ response, query, version }) => {
    sendJson(response, 200, images.list(query.get('filters')).map((image) => renderImageSummary(image, version)));
  });


  router.add('POST', '/images/create', async ({ request, response, query }) => {
    const fromImage = query.get('fromImage');
    if (fromImage) return pullRoute(images, { request, response, query });
    const fromSrc = query.get('fromSrc');
    if (fromSrc !== '-') {
      throw invalid('import-source', fromSrc ? `importing from ${fromSrc} is not supported: send the tar archive in the request body (docker import - NAME)` : 'fromImage or fromSrc is required');
    }
    const image = await images.importTar(request, {
      repo: query.get('repo') ?? '',
      tag: query.get('tag') ?? '',
      changes: query.getAll('changes'),
      message: query.get('message') ?? '',
    });
    sendStream(response, [{ status: image.id }]);
  }, { streamsBody: true });

  // docker login: Docker's answer on success; a refusal is a 401 (unauthorized error kind).
  router.add('POST', '/auth', async ({ request, response }) => {
    await images.login(decodeLogin(await readJson(request)));
    sendJson(response, 200, { Status: 'Login Succeeded', IdentityToken: '' });
  });

  router.add('POST', '/images/prune', async ({ response, query }) => {
    const pruned = await images.prune(query.get('filters'));
    sendJson(response, 200, { ImagesDeleted: pruned.deleted.length > 0 ? pruned.deleted : null, SpaceReclaimed: pruned.reclaimed });
  });

  // docker save of several images: GET /images/get?names=a&names=b
  router.add('GET', '/images/get', ({ response, query }) => saveRoute(images, response, query.getAll('names')));

  router.add('POST', '/images/load', async ({ request, response }) => {
    const lines = await images.load(request);
    sendStream(response, lines.map((line) => ({ stream: `${line}\n` })));
  }, { streamsBody: true });

  for (const name of NAME_TEMPLATES) {
    router.add('GET', `/images/${name}/json`, ({ response, params, version }) => {
      const image = images.inspect(nameOf(params));
      sendJson(response, 200, renderImage(image, images.layersOf(image.id), version));
    });

    router.add('POST', `/images/${name}/push`, ({ request, response, params, query }) => pushRoute(images, { request, response, query, name: nameOf(params) }));

    router.add('GET', `/images/${name}/get`, ({ response, params }) => saveRoute(images, response, [nameOf(params)]));

    router.add('POST', `/images/${name}/tag`, async ({ response, params, query }) => {
      const repo = query.get('repo');
      if (!repo) throw invalid('tag-repo', 'repository name is required: repo must not be empty');
      await images.tag(nameOf(params), repo, query.get('tag') ?? '');
      sendEmpty(response, 201);
    });

    router.add('DELETE', `/images/${name}`, async ({ response, params, query }) => {
      sendJson(response, 200, await images.remove(nameOf(params), { force: truthy(query.get('force')) }));
    });
  }
}
