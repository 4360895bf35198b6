/**
 * The page's files, built by scripts/build-ui.mjs into dist/ui/ and read once at start. Only these
 * names are served: a request path never becomes a file path.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface StaticFile {
  type: string;
  body: Buffer;
}

const FILES: Record<string, string> = {
  '/': 'index.html',
  '/app.js': 'app.js',
  '/app.css': 'app.css',
};
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** dist/src/ui/static-files.js -> dist/ui/ */
export const BUNDLE_DIR = fileURLToPath(new URL('../../ui/', import.meta.url));

export async function loadStaticFiles(dir: string = BUNDLE_DIR): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  for (const [path, name] of Object.entries(FILES)) {
    const type = TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream';
    files.set(path, { type, body: await readFile(`${dir}${name}`) });
  }
  return files;
}
