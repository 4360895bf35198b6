/**
 * `POST /images/create?fromImage=&tag=&platform=` (docker pull, and the CLI's implicit pull after
 * create's 404): the query and X-Registry-Auth are decoded first (a 400 changes nothing). The
 * status line waits for the pull's first event: a failure before it (unknown tag, no access, a
 * registry down) is a plain Docker error status; after it, an error line in the stream. The
 * client closing the connection aborts the pull (skopeo killed, nothing stored).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ImageCatalog } from '../../engine/images/catalog.js';
import type { PullEvent, PullRequest } from '../../model/registry.js';
import { pullReference } from '../../util/image-reference.js';
import { parsePlatform } from '../../util/platform.js';
import { decodeRegistryAuth } from '../decode/registry-auth.js';
import { streamProgress } from '../progress-stream.js';
import { renderPullEvent } from '../render/pull-progress.js';

interface PullContext {
  request: IncomingMessage;
  response: ServerResponse;
  query: URLSearchParams;
}

export function decodePull(query: URLSearchParams, authHeader: string | string[] | undefined): PullRequest {
  const reference = pullReference(query.get('fromImage') ?? '', query.get('tag') ?? '');
  const platform = parsePlatform(query.get('platform') ?? '');
  const auth = decodeRegistryAuth(authHeader);
  return { reference, ...(platform ? { platform } : {}), ...(auth ? { auth } : {}) };
}

export async function pullRoute(images: ImageCatalog, { request, response, query }: PullContext): Promise<void> {
  const pull = decodePull(query, request.headers['x-registry-auth']);
  await streamProgress(response, (write, signal) => images.pull(pull, (event: PullEvent) => write(renderPullEvent(event)), signal));
}
