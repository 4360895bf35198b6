/**
 * The seed's stand-in images (as ../shared/compat/build-stand-in-images.sh makes them for real
 * Docker): a busybox rootfs imported as nginx:latest / nginx:1.9.1 (busybox httpd on 80, EXPOSE 80
 * and 443) and ubuntu:14.04 (a tag of busybox).
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/exec/index.js';
import { buildBusyboxRootfs } from '../../src/runtime/images/busybox.js';
import type { TestHost } from './host.js';

export const NGINX_PAGE = '<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n<body><h1>Welcome to nginx!</h1></body></html>\n';

export async function standInImages(host: TestHost): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'conet-standin-'));
  try {
    const rootfs = join(dir, 'rootfs');
    await mkdir(rootfs);
    await buildBusyboxRootfs(rootfs);
    await writeFile(join(rootfs, 'var/www/index.html'), NGINX_PAGE);
    const tar = join(dir, 'rootfs.tar');
    await run(['tar', '-C', rootfs, '-c', '-f', tar, '.']);
    await host.dockerOk(['import', '--change', 'CMD ["httpd", "-f", "-p", "80", "-h", "/var/www"]', '--change', 'EXPOSE 80', '--change', 'EXPOSE 443', tar, 'nginx:latest']);
    await host.dockerOk(['tag', 'nginx:latest', 'nginx:1.9.1']);
    await host.dockerOk(['tag', 'busybox:latest', 'ubuntu:14.04']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
