/**
 * The query of the archive endpoints (`docker cp`): `path` (required; made absolute inside the
 * container, as Docker does) and the PUT flags, read with Docker's boolean rule (anything but "",
 * "0", "no", "false" and "none" is true). The path never reaches a script or argv as a host path:
 * it is resolved inside the container's root.
 */
import { invalid } from '../../errors/index.js';

/** Linux's PATH_MAX: no longer path names anything. */
const MAX_PATH = 4096;

export interface ArchiveQuery {
  path: string;
}

export interface ExtractQuery extends ArchiveQuery {
  noOverwriteDirNonDir: boolean;
  copyUidGid: boolean;
}

/** Docker's httputils.BoolValue. */
export function dockerBool(value: string | null): boolean {
  const text = (value ?? '').trim().toLowerCase();
  return !['', '0', 'no', 'false', 'none'].includes(text);
}

export function decodeArchiveQuery(query: URLSearchParams): ArchiveQuery {
  const path = query.get('path') ?? '';
  if (path === '') throw invalid('archive-path', 'bad parameter: path cannot be empty');
  if (path.includes('\0')) throw invalid('archive-path', 'bad parameter: path must not contain a NUL byte');
  if (Buffer.byteLength(path) > MAX_PATH) throw invalid('archive-path', `bad parameter: path longer than ${MAX_PATH} bytes`);
  return { path };
}

export function decodeExtractQuery(query: URLSearchParams): ExtractQuery {
  return {
    ...decodeArchiveQuery(query),
    noOverwriteDirNonDir: dockerBool(query.get('noOverwriteDirNonDir')),
    copyUidGid: dockerBool(query.get('copyUIDGID')),
  };
}
