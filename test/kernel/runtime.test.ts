/**
 * OciRuntime on the real kernel: busybox containers under conmon + runc in a throwaway exec root,
 * joining a throwaway netns or getting a fresh one. Checks output, exit code, hostname, /etc/hosts,
 * the missing NET_ADMIN, and that removal leaves no mount, runc state, process or directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/exec/index.js';
import { buildBusyboxRootfs } from '../../src/runtime/images/busybox.js';
import { OciRuntime } from '../../src/runtime/containers/oci-runtime.js';
import { DOCKER_SECCOMP_PROFILE } from '../../src/daemon/config.js';
import { loadConfinement } from '../../src/daemon/confinement.js';
import { DEFAULT_SECURITY } from '../../src/model/security.js';
import { DEFAULT_ISOLATION } from '../../src/model/isolation.js';

/** What a container without --cap-add, --cap-drop or --security-opt runs with. */
const DEFAULTS = { capabilities: { add: [], drop: [] }, security: DEFAULT_SECURITY, user: '', isolation: DEFAULT_ISOLATION };
import { ipIn, NetnsSandbox } from '../helpers/netns.js';

async function leftovers(dir: string, id: string): Promise<string[]> {
  const found: string[] = [];
  const mounts = await readFile('/proc/mounts', 'utf8');
  for (const line of mounts.split('\n')) if (line.includes(dir)) found.push(`mount: ${line}`);
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(id)) found.push(`process ${entry}: ${cmdline.split('\0').join(' ')}`);
  }
  if ((await readdir(join(dir, 'exec', 'runc')).catch(() => [] as string[])).includes(id)) found.push('runc state');
  return found;
}

async function withRuntime(fn: (context: { dir: string; runtime: OciRuntime; image: string; containers: string[] }) => Promise<void>): Promise<void> {
  const dir = await mkdtemp('/tmp/conet-rt-');
  const { runtime: confinement } = await loadConfinement({ seccompProfile: DOCKER_SECCOMP_PROFILE });
  const runtime = new OciRuntime({ execRoot: join(dir, 'exec'), confinement });
  const containers: string[] = [];
  try {
    const image = join(dir, 'image');
    await mkdir(image);
    await buildBusyboxRootfs(image);
    await fn({ dir, runtime, image, containers });
  } finally {
    for (const id of containers) await runtime.remove(id, join(dir, 'containers', id)).catch(() => undefined);
    runtime.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test('a container in a given netns prints, exits 3, has its hostname and hosts, no NET_ADMIN; removal leaves nothing', async () => {
  const namespaces = new NetnsSandbox('conet-t-rt');
  try {
    const netns = await namespaces.create('c');
    await withRuntime(async ({ dir, runtime, image, containers }) => {
      const id = `conet-t-rt-${Date.now().toString(16)}`;
      containers.push(id);
      const directory = join(dir, 'containers', id);
      await mkdir(directory, { recursive: true });
      await writeFile(join(dir, 'hosts'), '127.0.0.1\tlocalhost\n10.9.0.2\tc0ffee\n');
      await writeFile(join(dir, 'hostname'), 'c0ffee\n');
      const { pid } = await runtime.start({
        id, imageLayers: [image], directory, log: { maxSize: 1 << 20, maxFiles: 2 }, cwd: '/', hostname: 'c0ffee', tty: false, openStdin: false, env: [],
        args: ['sh', '-c', 'echo hello; hostname; cat /etc/hosts; ip link set lo down; echo "lo-down=$?"; echo to-stderr >&2; exit 3'],
        netnsPath: netns.path,
        etc: { hosts: join(dir, 'hosts'), hostname: join(dir, 'hostname') },
        ...DEFAULTS,
      });
      assert.ok(pid > 0);
      assert.equal(await runtime.waitExit(id), 3);
      const log = await readFile(OciRuntime.logFileOf(directory), 'utf8');
      const lines = log.split('\n').filter(Boolean).map((line) => line.split(' ').slice(1));
      const stdout = lines.filter((fields) => fields[0] === 'stdout').map((fields) => fields.slice(2).join(' '));
      assert.deepEqual(stdout.slice(0, 4), ['hello', 'c0ffee', '127.0.0.1\tlocalhost', '10.9.0.2\tc0ffee']);
      assert.match(stdout.at(-1) ?? '', /^lo-down=[1-9]/, 'no NET_ADMIN: changing a link fails');
      assert.ok(lines.some((fields) => fields[0] === 'stderr' && fields.slice(2).join(' ') === 'to-stderr'));
      assert.match((await ipIn(netns, ['-br', 'link', 'show', 'lo'])).stdout, /UNKNOWN|UP/, 'lo stays up');
      assert.equal((await runtime.runc.state(id))?.status, 'stopped');

      await runtime.remove(id, directory);
      await runtime.remove(id, directory); // idempotent
      assert.deepEqual(await leftovers(dir, id), []);
      await assert.rejects(access(directory));
    });
  } finally {
    await namespaces.cleanup();
  }
});

test('without a netns path the container gets a fresh namespace with only lo; kill ends it', async () => {
  await withRuntime(async ({ dir, runtime, image, containers }) => {
    const id = `conet-t-rt-${Date.now().toString(16)}b`;
    containers.push(id);
    const directory = join(dir, 'containers', id);
    await runtime.start({
      id, imageLayers: [image], directory, log: { maxSize: 1 << 20, maxFiles: 2 }, cwd: '/tmp', hostname: 'fresh', tty: false, openStdin: false, env: ['GREETING=hi'],
      args: ['sh', '-c', 'ip -o link | wc -l; pwd; echo $GREETING; touch /written; exec sleep 60'],
      ...DEFAULTS,
    });
    const state = await runtime.runc.state(id);
    assert.equal(state?.status, 'running');
    await runtime.kill(id, 'SIGKILL');
    assert.equal(await runtime.waitExit(id), 137);
    const stdout = (await readFile(OciRuntime.logFileOf(directory), 'utf8')).split('\n').filter(Boolean).map((line) => line.split(' ').slice(3).join(' '));
    assert.deepEqual(stdout.slice(0, 3), ['1', '/tmp', 'hi']);
    await access(join(directory, 'upper', 'written'));
    await assert.rejects(access(join(image, 'written')), 'writes land in the upper layer, not the image');
    await runtime.remove(id, directory);
    assert.deepEqual(await leftovers(dir, id), []);
    const host = await run(['ip', '-br', 'link']);
    assert.doesNotMatch(host.stdout, new RegExp(id));
  });
});
