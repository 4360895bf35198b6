/**
 * `GET /images/get?names=…` and `GET /images/{name}/get` (docker save): every name is resolved
 * before the status line, so an unknown one is a plain 404 and nothing is sent; then the archive
 * streams as application/x-tar. A failure mid-stream can only cut the connection (the CLI then
 * reports an unexpected EOF), as Docker's does.
 */
import type { ServerResponse } from 'node:http';
import { invalid } from '../../errors/index.js';
import type { ImageCatalog } from '../../engine/images/catalog.js';
import { commonHeaders } from '../http.js';

const MAX_NAMES = 1000;

export async function saveRoute(images: ImageCatalog, response: ServerResponse, names: readonly string[]): Promise<void> {
  if (names.length === 0) throw invalid('save-names', 'docker save needs at least one image name');
  if (names.length > MAX_NAMES) throw invalid('save-names', `at most ${MAX_NAMES} image names per save`);
  const write = images.save(names);
  response.writeHead(200, { ...commonHeaders(), 'Content-Type': 'application/x-tar' });
  try {
    await write(response);
    response.end();
  } catch (error) {
    response.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}
