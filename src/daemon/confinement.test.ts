import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_SECCOMP_PROFILE, loadConfig } from './config.js';
import { loadConfinement } from './confinement.js';

test("the default: Docker's profile from Debian's package, shown as profile=default", async () => {
  const loaded = await loadConfinement({ seccompProfile: DOCKER_SECCOMP_PROFILE }, '/nonexistent/apparmor');
  assert.equal(loaded.runtime.seccompDefault?.defaultAction, 'SCMP_ACT_ERRNO');
  assert.deepEqual(loaded.host, { appArmor: false, seccompProfile: 'default' });
});

test('a missing or bad profile file stops the daemon with a clear message; unconfined only when said', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-unit-'));
  try {
    await assert.rejects(loadConfinement({ seccompProfile: join(dir, 'missing.json') }), /cannot read the seccomp profile .*missing\.json: ENOENT.*"unconfined"/);
    await writeFile(join(dir, 'bad.json'), '{"defaultAction":"SCMP_ACT_NOPE"}');
    await assert.rejects(loadConfinement({ seccompProfile: join(dir, 'bad.json') }), /seccomp profile .*bad\.json is not valid: .*SCMP_ACT_NOPE/);
    const unconfined = await loadConfinement({ seccompProfile: 'unconfined' });
    assert.equal(unconfined.runtime.seccompDefault, undefined);
    assert.equal(unconfined.host.seccompProfile, '');
    await writeFile(join(dir, 'apparmor'), 'Y\n');
    assert.equal((await loadConfinement({ seccompProfile: 'unconfined' }, join(dir, 'apparmor'))).host.appArmor, true);
    await writeFile(join(dir, 'daemon.json'), JSON.stringify({ 'seccomp-profile': '/etc/conet/seccomp.json' }));
    assert.equal((await loadConfig({ config: join(dir, 'daemon.json') })).seccompProfile, '/etc/conet/seccomp.json');
    await writeFile(join(dir, 'daemon.json'), JSON.stringify({ 'seccomp-profile': 5 }));
    await assert.rejects(loadConfig({ config: join(dir, 'daemon.json') }), /seccomp-profile must be/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
