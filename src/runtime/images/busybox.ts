/**
 * The built-in `busybox:latest`, made from Debian's busybox-static so conet runs containers with no
 * registry. The applet links are made here with fs.symlink from `busybox --list` (relative links to
 * `busybox`, valid inside the container), rather than running `busybox --install` chrooted.
 * The config's `created` is the binary's mtime, so the id is stable on one machine.
 */
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../exec/index.js';
import { DEFAULT_PATH_ENV, emptyContainerConfig, type ImageConfigDocument } from './config.js';

export const BUSYBOX_BINARY = '/usr/bin/busybox';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
const GROUP = 'root:x:0:\nnogroup:x:65534:\n';

/** Fills `rootfs` and returns the image config text. */
export async function buildBusyboxRootfs(rootfs: string, binary = BUSYBOX_BINARY): Promise<string> {
  for (const dir of ['bin', 'etc', 'root', 'proc', 'sys', 'dev', 'var/www', 'usr/bin']) await mkdir(join(rootfs, dir), { recursive: true, mode: 0o755 });
  await mkdir(join(rootfs, 'tmp'), { mode: 0o1777 });
  await chmod(join(rootfs, 'tmp'), 0o1777);
  await chmod(join(rootfs, 'root'), 0o700);
  await copyFile(binary, join(rootfs, 'bin', 'busybox'));
  await chmod(join(rootfs, 'bin', 'busybox'), 0o755);
  const { stdout } = await run([binary, '--list']);
  for (const applet of new Set(stdout.split('\n').map((line) => line.trim()))) {
    if (!/^[\w.[-]+$/.test(applet) || applet === 'busybox') continue;
    await symlink('busybox', join(rootfs, 'bin', applet)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  // /usr/bin/env is what `#!/usr/bin/env sh` scripts expect.
  await symlink('../../bin/busybox', join(rootfs, 'usr/bin/env'));
  await writeFile(join(rootfs, 'etc/passwd'), PASSWD);
  await writeFile(join(rootfs, 'etc/group'), GROUP);

  const created = (await stat(binary)).mtime.toISOString();
  const digest = createHash('sha256').update(await readFile(binary)).digest('hex');
  const config: ImageConfigDocument = {
    architecture: 'amd64',
    os: 'linux',
    created,
    comment: 'conet built-in image from Debian busybox-static',
    config: { ...emptyContainerConfig(), Env: [DEFAULT_PATH_ENV], Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: [`sha256:${digest}`] },
    history: [{ created, created_by: `conet: ${binary} with applet links`, comment: 'built-in' }],
  };
  return JSON.stringify(config);
}
