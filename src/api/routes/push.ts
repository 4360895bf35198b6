/**
 * `POST /images/{name}/push?tag=` (docker push): the name, the tag and X-Registry-Auth are decoded
 * first (a 400 changes nothing); an empty tag pushes every local tag of the repository, as Docker.
 * Like the pull route, the status line waits for the first event: a failure before it (no such
 * tag) is a plain status, after it an error line. The client closing the connection aborts the push.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalid } from '../../errors/index.js';
import type { ImageCatalog } from '../../engine/images/catalog.js';
import type { PushEvent, PushRequest } from '../../model/registry.js';
import { parseRegistryReference, pullReference } from '../../util/image-reference.js';
import { decodeRegistryAuth } from '../decode/registry-auth.js';
import { streamProgress } from '../progress-stream.js';
import { renderPushEvent } from '../render/pull-progress.js';

interface PushContext {
  request: IncomingMessage;
  response: ServerResponse;
  query: URLSearchParams;
  name: string;
}

export function decodePush(name: string, query: URLSearchParams, authHeader: string | string[] | undefined): PushRequest {
  const named = parseRegistryReference(name);
  if (named.digest !== undefined) throw invalid('bad-reference', `cannot push a digest reference: ${name}`);
  const tag = query.get('tag') ?? '';
  if (tag.startsWith('sha256:')) throw invalid('bad-reference', `cannot push a digest reference: ${tag}`);
  const reference = tag !== '' ? pullReference(`${named.domain}/${named.path}`, tag) : named;
  const auth = decodeRegistryAuth(authHeader);
  return { reference, ...(auth ? { auth } : {}) };
}

export async function pushRoute(images: ImageCatalog, { request, response, query, name }: PushContext): Promise<void> {
  const push = decodePush(name, query, request.headers['x-registry-auth']);
  await streamProgress(response, (write, signal) => images.push(push, (event: PushEvent) => write(renderPushEvent(event)), signal));
}
