/**
 * Debian's chromium (headless) driven by playwright-core, run inside a test host's namespace: the
 * executable playwright starts is a small script that enters the namespace first, so the browser
 * reaches the host's loopback (where the view listens) and nothing else. Playwright talks to it
 * over a pipe, which crosses the namespace unchanged.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env['CONET_CHROMIUM'] ?? '/usr/bin/chromium';

export async function launchInNetns(netnsPath: string, dir: string): Promise<Browser> {
  const wrapper = join(dir, 'chromium-in-netns');
  await writeFile(wrapper, `#!/bin/sh\nexec nsenter --net=${netnsPath} -- ${CHROMIUM} "$@"\n`);
  await chmod(wrapper, 0o755);
  return chromium.launch({ executablePath: wrapper, headless: true, timeout: 60_000, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}
