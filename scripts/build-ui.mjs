// Bundles the topology view (ui/) into dist/ui/ with esbuild: app.js (Cytoscape.js included, no
// CDN), app.css and index.html. Part of `npm run build`; the daemon serves these files.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';

const out = 'dist/ui';
await mkdir(out, { recursive: true });
await build({
  entryPoints: ['ui/main.ts'],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2022',
  outfile: `${out}/app.js`,
  legalComments: 'linked',
  logLevel: 'warning',
});
await copyFile('ui/index.html', `${out}/index.html`);
await copyFile('ui/app.css', `${out}/app.css`);
