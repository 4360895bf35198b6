/** The `manifest.json` of a `docker save` tarball: which config and which layers, in order. */
import { invalid } from '../../errors/index.js';

export interface SaveManifestEntry {
  config: string;
  repoTags: string[];
  layers: string[];
}

const safePath = (path: unknown): path is string =>
  typeof path === 'string' && path !== '' && !path.startsWith('/') && !path.split('/').includes('..');

export function parseSaveManifest(text: string): SaveManifestEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid('bad-archive', `invalid manifest.json in the image archive: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw invalid('bad-archive', 'invalid manifest.json in the image archive: expected a non-empty array');
  return parsed.map((item: unknown, index) => {
    const entry = item as { Config?: unknown; RepoTags?: unknown; Layers?: unknown };
    if (!safePath(entry.Config)) throw invalid('bad-archive', `manifest.json entry ${index}: Config must be a relative path`);
    const layers = Array.isArray(entry.Layers) ? entry.Layers : [];
    if (!layers.every(safePath)) throw invalid('bad-archive', `manifest.json entry ${index}: every layer must be a relative path`);
    const repoTags = Array.isArray(entry.RepoTags) ? entry.RepoTags.filter((tag): tag is string => typeof tag === 'string') : [];
    return { config: entry.Config, repoTags, layers: layers as string[] };
  });
}
