/**
 * Default confinement as Docker (issue 10, item 10): containers run under Docker's own default
 * seccomp profile (Debian's golang-github-docker-docker-dev copy), its capability conditions
 * resolved against each container's capabilities; `--security-opt seccomp=unconfined|FILE`,
 * `no-new-privileges`, and AppArmor options refused on this kernel (it has no AppArmor).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { withHost } from '../helpers/host.js';

const ATTACK = ['run', '--rm', 'busybox', 'unshare', '-Urn', 'sh', '-c', 'echo reached'];

test('the attack of issue 10: unshare -Urn in a default container fails with EPERM, as under Docker', async () => {
  await withHost(async (host) => {
    const [attack, unconfined, sysAdmin] = await Promise.all([
      host.docker(ATTACK, { timeoutMs: 30_000 }),
      host.docker(['run', '--rm', '--security-opt', 'seccomp=unconfined', ...ATTACK.slice(2)], { timeoutMs: 30_000 }),
      // Docker 20.10's profile allows unshare (and clone with namespace flags) to CAP_SYS_ADMIN.
      host.docker(['run', '--rm', '--cap-add', 'SYS_ADMIN', ...ATTACK.slice(2)], { timeoutMs: 30_000 }),
    ]);
    assert.notEqual(attack.code, 0, `the attack must fail: ${attack.stdout}${attack.stderr}`);
    assert.match(attack.stdout + attack.stderr, /Operation not permitted/);
    assert.doesNotMatch(attack.stdout, /reached/);
    assert.equal(unconfined.code, 0, unconfined.stderr);
    assert.equal(unconfined.stdout.trim(), 'reached');
    assert.equal(sysAdmin.code, 0, sysAdmin.stderr);
    assert.equal(sysAdmin.stdout.trim(), 'reached');
  });
});

test('exec runs under the container profile; no-new-privileges; inspect echoes SecurityOpt; info lists seccomp', async () => {
  await withHost(async (host) => {
    const name = `sc-${randomBytes(3).toString('hex')}`;
    await host.dockerOk(['run', '-d', '--name', name, '--security-opt', 'no-new-privileges', 'busybox', 'sleep', '300']);
    const [exec, status, opts, info] = await Promise.all([
      host.docker(['exec', name, 'unshare', '-Urn', 'sh', '-c', 'echo reached'], { timeoutMs: 30_000 }),
      host.dockerOk(['exec', name, 'grep', '-E', '^(NoNewPrivs|Seccomp):', '/proc/self/status']),
      host.dockerOk(['inspect', '-f', '{{json .HostConfig.SecurityOpt}}', name]),
      host.dockerOk(['info', '--format', '{{json .SecurityOptions}}']),
    ]);
    assert.notEqual(exec.code, 0);
    assert.match(exec.stdout + exec.stderr, /Operation not permitted/);
    assert.doesNotMatch(exec.stdout, /reached/);
    assert.match(status, /NoNewPrivs:\s+1/);
    assert.match(status, /Seccomp:\s+2/);
    assert.deepEqual(JSON.parse(opts), ['no-new-privileges']);
    assert.deepEqual(JSON.parse(info), ['name=seccomp,profile=default']);
    const plain = await host.dockerOk(['run', '--rm', 'busybox', 'grep', '^NoNewPrivs:', '/proc/self/status']);
    assert.match(plain, /NoNewPrivs:\s+0/, 'Docker\'s default: no-new-privileges off');
  });
});

test('a custom profile file through the CLI (seccomp=FILE) denies what it lists', async () => {
  const file = `/tmp/conet-seccomp-${randomBytes(4).toString('hex')}.json`;
  const profile = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] };
  await writeFile(file, JSON.stringify(profile));
  try {
    await withHost(async (host) => {
      const [denied, allowed] = await Promise.all([
        host.docker(['run', '--rm', '--security-opt', `seccomp=${file}`, 'busybox', 'mkdir', '/x'], { timeoutMs: 30_000 }),
        host.docker(['run', '--rm', 'busybox', 'mkdir', '/x'], { timeoutMs: 30_000 }),
      ]);
      assert.notEqual(denied.code, 0, 'mkdir is denied by the custom profile');
      assert.match(denied.stderr, /Operation not permitted/);
      assert.equal(allowed.code, 0, `the default profile allows mkdir: ${allowed.stderr}`);
    });
  } finally {
    await rm(file, { force: true });
  }
});

test('security options this kernel cannot apply, unknown ones and bad profiles: 400 naming them, nothing created', async () => {
  await withHost(async (host) => {
    const create = (opts: unknown[]) => host.api('POST', '/v1.41/containers/create', JSON.stringify({ Image: 'busybox', HostConfig: { SecurityOpt: opts } }));
    const cases: Array<{ opts: unknown[]; message: RegExp }> = [
      { opts: ['apparmor=foo'], message: /apparmor=foo/ },
      { opts: ['label=type:svirt_apache_t'], message: /label=type:svirt_apache_t.*SELinux/ },
      { opts: ['bogus=1'], message: /bogus=1/ },
      { opts: ['no-new-privileges=maybe'], message: /no-new-privileges=maybe/ },
      { opts: ['seccomp={"defaultAction":"SCMP_ACT_NOPE","syscalls":[]}'], message: /seccomp profile.*SCMP_ACT_NOPE/ },
      { opts: ['seccomp={not json'], message: /seccomp profile/ },
      { opts: [5], message: /SecurityOpt/ },
    ];
    const responses = await Promise.all(cases.map(({ opts }) => create(opts)));
    cases.forEach(({ opts, message }, index) => {
      const response = responses[index];
      assert.equal(response?.status, 400, `${JSON.stringify(opts)}: ${response?.body}`);
      assert.match((JSON.parse(response?.body ?? '{}') as { message: string }).message, message);
    });
    const cli = await host.docker(['run', '--rm', '--security-opt', 'apparmor=foo', 'busybox', 'true']);
    assert.equal(cli.code, 125);
    assert.match(cli.stderr, /apparmor=foo/);
    const info = await host.dockerOk(['info', '--format', '{{json .SecurityOptions}}']);
    assert.doesNotMatch(info, /apparmor/);
    assert.equal(await host.dockerOk(['ps', '-aq']), '');
  });
});
