/**
 * Identity and confinement (issue 12, item 3), each shown from inside the container with the real
 * docker CLI: `-u` and `--group-add` (names from the image's own /etc/passwd and /etc/group, also
 * for `docker exec`, `exec -u` with the user's supplementary groups, and a hostile /etc/passwd
 * symlink that can't reach the host's file), `--privileged` (every capability, no seccomp,
 * nothing masked, /sys read-write, the host's devices, its own namespaces), `--cap-drop ALL`,
 * `--read-only`, `no-new-privileges`, `--sysctl`, `--ulimit`, `--shm-size`, `--init` (tini as PID
 * 1), legacy `--link` (hosts entry and Docker's variables on the default bridge, a DNS alias on a
 * user-defined network); refusals are 400s naming the field and leave
 * nothing behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/exec/index.js';
import { buildBusyboxRootfs } from '../../src/runtime/images/busybox.js';
import { withHost, type TestHost } from '../helpers/host.js';
import { NGINX_PAGE, standInImages } from '../helpers/images.js';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\nbob:x:1001:1001::/:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
const GROUP = 'root:x:0:\nstaff:x:50:\nalice:x:1000:\nbob:x:1001:\ndevs:x:2000:alice,carol\nnogroup:x:65534:\n';

/** Imports a busybox image with accounts; `hostile` makes /etc/passwd a symlink to a host file. */
async function accountsImage(host: TestHost, name: string, options: { hostile?: string; user?: string } = {}): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'conet-identity-'));
  try {
    const rootfs = join(dir, 'rootfs');
    await mkdir(rootfs);
    await buildBusyboxRootfs(rootfs);
    await writeFile(join(rootfs, 'etc/group'), GROUP);
    await rm(join(rootfs, 'etc/passwd'));
    if (options.hostile) await symlink(options.hostile, join(rootfs, 'etc/passwd'));
    else await writeFile(join(rootfs, 'etc/passwd'), PASSWD);
    const tar = join(dir, 'rootfs.tar');
    await run(['tar', '-C', rootfs, '-c', '-f', tar, '.']);
    await host.dockerOk(['import', ...(options.user ? ['--change', `USER ${options.user}`] : []), tar, name]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Debian's busybox-static prints ids without names (a static binary has no NSS) and `groups=` lists getgroups() only. */
const runIn = (host: TestHost, args: readonly string[]) => host.docker(['run', '--rm', ...args], { timeoutMs: 60_000 });

test('-u and --group-add: names from the image\'s own files, for run and exec; the image\'s USER; a hostile passwd link stays inside', async () => {
  const secret = `/tmp/conet-identity-${randomBytes(4).toString('hex')}`;
  await writeFile(secret, 'evil:x:4242:4242::/:/bin/sh\n');
  try {
    await withHost(async (host) => {
      await accountsImage(host, 'accounts');
      await accountsImage(host, 'accounts-user', { user: 'bob' });
      await accountsImage(host, 'hostile', { hostile: secret });
      const [numeric, named, grouped, imageUser, hostile] = await Promise.all([
        runIn(host, ['-u', '65534', 'busybox', 'id']),
        runIn(host, ['-u', 'alice', 'accounts', 'id']),
        runIn(host, ['-u', 'bob:staff', '--group-add', 'devs', '--group-add', '7', 'accounts', 'id']),
        runIn(host, ['accounts-user', 'id']),
        runIn(host, ['-u', 'evil', 'hostile', 'id']),
      ]);
      assert.equal(numeric.stdout.trim(), 'uid=65534 gid=65534', numeric.stderr);
      assert.equal(named.stdout.trim(), 'uid=1000 gid=1000 groups=2000', named.stderr);
      assert.equal(grouped.stdout.trim(), 'uid=1001 gid=50 groups=7,2000', grouped.stderr);
      assert.equal(imageUser.stdout.trim(), 'uid=1001 gid=1001', imageUser.stderr);
      assert.notEqual(hostile.code, 0, 'the host file behind the symlink is never read');
      assert.match(hostile.stderr, /unable to find user evil/);

      await host.dockerOk(['run', '-d', '--name', 'who', '-u', 'alice', '--group-add', 'staff', 'accounts', 'sleep', '300']);
      const [execDefault, execRoot, unknown, execNamed, execBob, execGroup] = await Promise.all([
        host.dockerOk(['exec', 'who', 'id']),
        host.dockerOk(['exec', '-u', '0', 'who', 'id', '-u']),
        runIn(host, ['-u', 'nosuch', 'accounts', 'id']),
        host.dockerOk(['exec', '-u', 'alice', 'who', 'id']),
        host.dockerOk(['exec', '-u', 'bob', 'who', 'id']),
        host.dockerOk(['exec', '-u', 'alice:bob', 'who', 'id']),
      ]);
      assert.equal(execDefault, 'uid=1000 gid=1000 groups=50,2000', 'exec gets the container\'s user and groups');
      assert.equal(execRoot, '0');
      // exec -u: the user's groups from the image's /etc/group plus the container's --group-add (Docker's getUser).
      assert.equal(execNamed, 'uid=1000 gid=1000 groups=50,2000');
      assert.equal(execBob, 'uid=1001 gid=1001 groups=50');
      assert.equal(execGroup, 'uid=1000 gid=1001 groups=50', 'a named group replaces the memberships; --group-add stays');
      assert.notEqual(unknown.code, 0);
      assert.match(unknown.stderr, /unable to find user nosuch: no matching entries in passwd file/);
    });
  } finally {
    await rm(secret, { force: true });
  }
});

/** What a container shows of its confinement: CapEff, Seccomp, the masked and read-only mounts under /proc, /sys's mode, /dev/kmsg, its net namespace. */
const CONFINEMENT_PROBE = [
  'grep -E "^(CapEff|Seccomp):" /proc/self/status',
  'echo "proc-masks=$(grep -c " /proc/[a-z]" /proc/mounts)"',
  'echo "sys=$(grep " /sys sysfs " /proc/mounts | cut -d" " -f4 | cut -d, -f1)"',
  'echo "cgroup=$(grep " /sys/fs/cgroup/memory " /proc/mounts | cut -d" " -f4 | cut -d, -f1)"',
  'if [ -c /dev/kmsg ]; then echo kmsg=yes; else echo kmsg=no; fi',
  'echo "net=$(readlink /proc/self/ns/net)"',
].join('; ');

test('--privileged: every capability (--cap-drop ignored, as Docker), no seccomp, nothing masked, /sys read-write, the host devices; still its own namespaces', async () => {
  await withHost(async (host) => {
    const [privileged, plain] = await Promise.all([
      runIn(host, ['--privileged', '--cap-drop', 'ALL', 'busybox', 'sh', '-c', CONFINEMENT_PROBE]),
      runIn(host, ['busybox', 'sh', '-c', CONFINEMENT_PROBE]),
    ]);
    const lines = (text: string): Record<string, string> => Object.fromEntries(text.trim().split('\n').map((line) => {
      const match = /^([^=:]+)[=:]\s*(.*)$/.exec(line);
      return [match?.[1] ?? line, match?.[2] ?? ''];
    }));
    const inside = lines(privileged.stdout);
    // Every capability the daemon has (its bounding set is the test's: a VM sandbox may lack some).
    const full = /^CapBnd:\s*([0-9a-f]+)$/m.exec(await readFile('/proc/self/status', 'utf8'))?.[1];
    assert.deepEqual({ ...inside, net: undefined }, { CapEff: full, Seccomp: '0', 'proc-masks': '0', sys: 'rw', cgroup: 'rw', kmsg: 'yes', net: undefined }, privileged.stdout + privileged.stderr);
    const confined = lines(plain.stdout);
    assert.ok(Number(confined['proc-masks']) >= 2, `masked and read-only /proc paths: ${plain.stdout}`);
    assert.deepEqual({ ...confined, net: undefined, 'proc-masks': undefined }, { CapEff: '00000000a80425fb', Seccomp: '2', 'proc-masks': undefined, sys: 'ro', cgroup: 'ro', kmsg: 'no', net: undefined }, plain.stdout + plain.stderr);
    // Its own network namespace, not the host's (nor the test's).
    const own = await readlink('/proc/self/ns/net');
    assert.match(inside['net'] ?? '', /^net:\[\d+\]$/);
    assert.notEqual(inside['net'], own);
    assert.equal(await host.dockerOk(['ps', '-aq']), '', '--rm left nothing');
  });
});

test('--cap-drop ALL, --read-only, no-new-privileges, --sysctl, --ulimit, --shm-size, --init: each seen from inside', async () => {
  await withHost(async (host) => {
    const [caps, readOnly, nnp, sysctls, ulimits, shm, init] = await Promise.all([
      runIn(host, ['--cap-drop', 'ALL', 'busybox', 'grep', 'CapEff', '/proc/self/status']),
      runIn(host, ['--read-only', 'busybox', 'sh', '-c', 'touch /x; echo "root=$?"; echo 10.9.9.9 extra >> /etc/hosts && touch /dev/shm/ok && echo writable']),
      runIn(host, ['--security-opt', 'no-new-privileges', 'busybox', 'grep', 'NoNewPrivs', '/proc/self/status']),
      runIn(host, ['--sysctl', 'net.ipv4.ip_forward=1', '--sysctl', 'kernel.shmmax=1048576', '--sysctl', 'fs.mqueue.msg_max=20', 'busybox',
        'cat', '/proc/sys/net/ipv4/ip_forward', '/proc/sys/kernel/shmmax', '/proc/sys/fs/mqueue/msg_max']),
      runIn(host, ['--ulimit', 'nofile=1024:2048', 'busybox', 'sh', '-c', 'ulimit -n; ulimit -Hn']),
      runIn(host, ['--shm-size', '128m', 'busybox', 'df', '-k', '/dev/shm']),
      runIn(host, ['--init', 'busybox', 'sh', '-c', 'readlink /proc/1/exe; tr "\\0" " " < /proc/1/cmdline; echo; /sbin/docker-init --version']),
    ]);
    assert.equal(caps.stdout.trim(), 'CapEff:\t0000000000000000', caps.stderr);
    assert.match(readOnly.stdout, /root=1/, 'touch on the read-only root fails');
    assert.match(readOnly.stderr, /Read-only file system/);
    assert.match(readOnly.stdout, /writable/, '/etc/hosts and /dev/shm stay writable');
    assert.match(nnp.stdout, /NoNewPrivs:\s+1/);
    assert.deepEqual(sysctls.stdout.trim().split('\n'), ['1', '1048576', '20'], sysctls.stderr);
    assert.deepEqual(ulimits.stdout.trim().split('\n'), ['1024', '2048'], ulimits.stderr);
    assert.match(shm.stdout, /\n\S+\s+131072\s/, shm.stdout + shm.stderr);
    const [exe, cmdline, version] = init.stdout.trim().split('\n');
    assert.equal(exe, '/sbin/docker-init', init.stderr);
    assert.match(cmdline ?? '', /^\/sbin\/docker-init -- sh -c /);
    assert.match(version ?? '', /^tini version /);
    const plain = await host.dockerOk(['run', '--rm', 'busybox', 'sh', '-c', 'df -k /dev/shm; readlink /proc/1/exe']);
    assert.match(plain, /\s65536\s/, 'the default /dev/shm is 64 MiB');
    assert.match(plain, /\/bin\/busybox$/, 'without --init, PID 1 is the command');
  });
});

test('refusals: sysctls Docker does not allow, net.* in the host namespace, bad ulimits and shm sizes: 400s naming them, nothing left', async () => {
  await withHost(async (host) => {
    const cli = await Promise.all([
      runIn(host, ['--network', 'host', '--sysctl', 'net.ipv4.ip_forward=1', 'busybox', 'true']),
      runIn(host, ['--pid', 'host', 'busybox', 'true']),
    ]);
    const names = [/"net\.ipv4\.ip_forward".*network mode "host"/, /HostConfig\.PidMode \(--pid\)/];
    cli.forEach((result, index) => {
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, names[index] ?? /never/, result.stderr);
    });
    const create = (hostConfig: unknown, extra: Record<string, unknown> = {}) =>
      host.api('POST', '/v1.41/containers/create', JSON.stringify({ Image: 'busybox', ...extra, HostConfig: hostConfig }));
    const api = await Promise.all([
      create({ Sysctls: { 'kernel.hostname': 'x' } }),
      create({ Sysctls: { 'vm.swappiness': '1' } }),
      create({ Ulimits: [{ Name: 'nofile', Soft: 10, Hard: 5 }] }),
      create({ Ulimits: [{ Name: 'bogus', Soft: 1, Hard: 1 }] }),
      create({ ShmSize: -1 }),
      create({ Sysctls: { 'net/../../../x': '1' } }),
      create({ Sysctls: { 'net.ipv4.ip_forward': '1\n2' } }),
      create({ GroupAdd: ['a b'] }),
      create({}, { User: 'alice\nroot' }),
    ]);
    const fields = [/Sysctls.*"kernel\.hostname".*not a namespaced sysctl/, /Sysctls.*"vm\.swappiness"/, /Ulimits.*nofile.*soft limit 10 is above hard limit 5/, /Ulimits.*unknown ulimit "bogus"/, /ShmSize/, /Sysctls.*not a sysctl name/, /Sysctls.*one line/, /GroupAdd/, /User/];
    api.forEach((result, index) => {
      assert.equal(result.status, 400, result.body);
      assert.match(JSON.parse(result.body).message as string, fields[index] ?? /never/);
    });
    assert.equal(await host.dockerOk(['ps', '-a', '-q']), '', 'no container was created');
  });
});

test('--link web1:web on the default bridge: wget http://web/, the hosts entry, Docker\'s variables; on a user-defined network an alias', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    await host.dockerOk(['run', '-d', '--name', 'web1', '-e', 'GREETING=hello', 'nginx']);
    const ip = await host.dockerOk(['inspect', '-f', '{{.NetworkSettings.Networks.bridge.IPAddress}}', 'web1']);
    const short = (await host.dockerOk(['inspect', '-f', '{{.Config.Hostname}}', 'web1'])).slice(0, 12);
    const [page, hosts, env] = await Promise.all([
      runIn(host, ['--link', 'web1:web', 'busybox', 'wget', '-qO-', 'http://web/']),
      runIn(host, ['--link', 'web1:web', 'busybox', 'cat', '/etc/hosts']),
      runIn(host, ['--name', 'client', '--link', 'web1:web', 'busybox', 'env']),
    ]);
    assert.equal(page.stdout, NGINX_PAGE, page.stderr);
    assert.match(hosts.stdout, new RegExp(`^${ip.replaceAll('.', '\\.')}\tweb ${short} web1$`, 'm'), hosts.stdout);
    const vars = env.stdout.split('\n');
    for (const expected of [`WEB_PORT=tcp://${ip}:80`, `WEB_PORT_80_TCP=tcp://${ip}:80`, `WEB_PORT_80_TCP_ADDR=${ip}`, 'WEB_PORT_80_TCP_PORT=80', 'WEB_PORT_80_TCP_PROTO=tcp',
      `WEB_PORT_443_TCP=tcp://${ip}:443`, 'WEB_NAME=/client/web', 'WEB_ENV_GREETING=hello']) assert.ok(vars.includes(expected), `${expected} in:\n${env.stdout}`);
    assert.ok(!vars.some((line) => line.startsWith('WEB_ENV_PATH=')), 'PATH is not passed on');

    await host.dockerOk(['stop', '-t', '1', 'web1']);
    const stopped = await runIn(host, ['--link', 'web1:web', 'busybox', 'true']);
    assert.notEqual(stopped.code, 0);
    assert.match(stopped.stderr, /Cannot link to a non running container: \/web1 AS \/\S+\/web/);
    const missing = await runIn(host, ['--link', 'nosuch:x', 'busybox', 'true']);
    assert.match(missing.stderr, /could not get container for nosuch/);
    const hostMode = await runIn(host, ['--network', 'host', '--link', 'web1:web', 'busybox', 'true']);
    assert.match(hostMode.stderr, /conflicting options: host type networking can't be used with links/);

    await host.dockerOk(['network', 'create', 'linknet']);
    await host.dockerOk(['run', '-d', '--name', 'web2', '--network', 'linknet', 'nginx']);
    const [aliased, unlinked] = await Promise.all([
      runIn(host, ['--network', 'linknet', '--link', 'web2:site', 'busybox', 'wget', '-qO-', 'http://site/']),
      runIn(host, ['--network', 'linknet', 'busybox', 'nslookup', 'site']),
    ]);
    assert.equal(aliased.stdout, NGINX_PAGE, aliased.stderr);
    assert.notEqual(unlinked.code, 0, `the alias is the linking container's only: ${unlinked.stdout}`);
    await host.dockerOk(['rm', '-f', 'web2']);
    await host.dockerOk(['network', 'rm', 'linknet']);
  });
});
