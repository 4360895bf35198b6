/**
 * `docker cp`: HEAD (stat), GET (a tar of a path) and PUT (a tar unpacked into a directory) of
 * /containers/{id}/archive. Thin: the query is decoded once, the engine does the rest; the tar
 * streams both ways and is never held in memory. HEAD is registered before GET (the router would
 * otherwise answer HEAD with the GET route).
 */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ContainerArchives } from '../../engine/containers/container-archive.js';
import type { PathStat } from '../../model/path-stat.js';
import { decodeArchiveQuery, decodeExtractQuery } from '../decode/archive-query.js';
import { commonHeaders, sendEmpty } from '../http.js';
import { encodePathStat, PATH_STAT_HEADER } from '../render/path-stat.js';
import type { Router } from '../router.js';

function sendArchive(response: ServerResponse, stat: PathStat, archive: Readable): Promise<void> {
  response.writeHead(200, { ...commonHeaders(), 'Content-Type': 'application/x-tar', [PATH_STAT_HEADER]: encodePathStat(stat) });
  return pipeline(archive, response);
}

export function archiveRoutes(router: Router, archives: ContainerArchives): void {
  router.add('HEAD', '/containers/{id}/archive', async ({ response, params, query }) => {
    const stat = await archives.stat(params['id'] ?? '', decodeArchiveQuery(query).path);
    response.writeHead(200, { ...commonHeaders(), 'Content-Type': 'application/json', [PATH_STAT_HEADER]: encodePathStat(stat) });
    response.end();
  });

  router.add('GET', '/containers/{id}/archive', async ({ response, params, query }) => {
    await archives.read(params['id'] ?? '', decodeArchiveQuery(query).path, (stat, archive) => sendArchive(response, stat, archive));
  });

  router.add('PUT', '/containers/{id}/archive', async ({ request, response, params, query }) => {
    const decoded = decodeExtractQuery(query);
    try {
      await archives.extract(params['id'] ?? '', decoded.path, request, decoded);
    } finally {
      // A refusal before the body was read (no such directory): drain it so the answer arrives.
      request.resume();
    }
    sendEmpty(response, 200);
  }, { streamsBody: true });
}
