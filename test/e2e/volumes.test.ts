/**
 * Named volumes with the real docker CLI (issue 12, item 2): `docker volume create/ls/inspect/
 * rm/prune` with Docker's shapes and filters, the local driver's bind and tmpfs options, bad input
 * that is a 400 and leaves nothing, hostile names that can't leave the volumes directory, records
 * that survive a restart and a kill -9 of the daemon.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { withHost, type TestHost } from '../helpers/host.js';

const volumesDir = (host: TestHost): string => join(host.dir, 'data', 'volumes');
const names = async (host: TestHost, args: readonly string[] = []): Promise<string[]> =>
  (await host.dockerOk(['volume', 'ls', '-q', ...args])).split('\n').filter(Boolean).sort();

test('docker volume create/ls/inspect/rm/prune: shapes, filters, and records that survive restart and kill -9', { timeout: 180_000 }, async () => {
  await withHost(async (host) => {
    assert.equal(await host.dockerOk(['volume', 'create', '--label', 'app=web', '--label', 'tier=front', 'web-data']), 'web-data');
    await host.dockerOk(['volume', 'create', '--label', 'app=db', 'db-data']);
    const generated = await host.dockerOk(['volume', 'create']);
    assert.match(generated, /^[0-9a-f]{64}$/, 'no name: a random one');
    const [inspected] = JSON.parse(await host.dockerOk(['volume', 'inspect', 'web-data'])) as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(inspected!).sort(), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
    assert.deepEqual([inspected!['Name'], inspected!['Driver'], inspected!['Scope'], inspected!['Labels'], inspected!['Options']], ['web-data', 'local', 'local', { app: 'web', tier: 'front' }, {}]);
    assert.equal(inspected!['Mountpoint'], join(volumesDir(host), 'web-data', '_data'));
    assert.match(String(inspected!['CreatedAt']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok((await stat(String(inspected!['Mountpoint']))).isDirectory(), 'the data directory exists under the data root');
    // Filters.
    assert.deepEqual(await names(host, ['--filter', 'name=web']), ['web-data']);
    assert.deepEqual(await names(host, ['--filter', 'label=app']), ['db-data', 'web-data']);
    assert.deepEqual(await names(host, ['--filter', 'label=app=db']), ['db-data']);
    assert.deepEqual(await names(host, ['--filter', 'driver=local']), [generated, 'db-data', 'web-data'].sort());
    assert.deepEqual(await names(host, ['--filter', 'dangling=true']), [generated, 'db-data', 'web-data'].sort());
    assert.deepEqual(await names(host, ['--filter', 'dangling=false']), []);
    const badFilter = await host.docker(['volume', 'ls', '--filter', 'colour=red']);
    assert.notEqual(badFilter.code, 0);
    assert.match(badFilter.stderr, /invalid filter 'colour'/);
    assert.equal(await host.dockerOk(['volume', 'ls', '--format', '{{.Driver}} {{.Name}}', '--filter', 'name=db']), 'local db-data');
    // The records survive a graceful restart and a kill -9.
    await host.restart();
    assert.deepEqual(await names(host), [generated, 'db-data', 'web-data'].sort());
    await host.restart({ crash: true });
    assert.deepEqual(await names(host), [generated, 'db-data', 'web-data'].sort());
    assert.deepEqual(JSON.parse(await host.dockerOk(['volume', 'inspect', 'web-data'])), [inspected]);
    // Prune: from API 1.42 only anonymous volumes (a generated name is one, Docker 23+) unless -a; before, every unused one.
    const modern = Number((await host.dockerOk(['version', '--format', '{{.Server.APIVersion}}'])).split('.')[1]) >= 42;
    const pruned = await host.dockerOk(['volume', 'prune', '-f', ...(modern ? ['-a'] : []), '--filter', 'label=app=db']);
    assert.match(pruned, /db-data/);
    assert.doesNotMatch(pruned, /web-data/);
    assert.match(await host.dockerOk(['volume', 'prune', '-f']), new RegExp(generated));
    assert.deepEqual(await names(host), modern ? ['web-data'] : []);
    if (!modern) await host.dockerOk(['volume', 'create', 'web-data']);
    // rm: missing is a 404 in Docker's words, -f forgives it.
    const missing = await host.docker(['volume', 'rm', 'ghost']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /get ghost: no such volume/);
    assert.equal((await host.docker(['volume', 'rm', '-f', 'ghost'])).code, 0);
    assert.equal(await host.dockerOk(['volume', 'rm', 'web-data']), 'web-data');
    assert.deepEqual(await names(host), []);
    assert.deepEqual(await readdir(volumesDir(host)), [], 'rm leaves no directory behind');
    assert.equal((await host.api('GET', '/v1.41/volumes/web-data')).status, 404);
  });
});

test('docker volume create: the local driver binds a host directory and mounts a tmpfs; other options are 400s', { timeout: 120_000 }, async () => {
  await withHost(async (host) => {
    const device = join(host.dir, 'device');
    await mkdir(device);
    await writeFile(join(device, 'seed'), 'from the host\n');
    await host.dockerOk(['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', `device=${device}`, 'bound']);
    await host.dockerOk(['volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=8m', 'scratch']);
    const [bound] = JSON.parse(await host.dockerOk(['volume', 'inspect', 'bound'])) as Array<{ Options: Record<string, string> }>;
    assert.deepEqual(bound!.Options, { type: 'none', o: 'bind', device });
    const refusals: Array<[readonly string[], RegExp]> = [
      [['--opt', 'type=nfs', '--opt', 'o=addr=10.0.0.1', '--opt', 'device=:/export', 'nfs1'], /type "nfs" is not supported by conet/],
      [['--opt', 'type=none', '--opt', 'o=bind', '--opt', 'device=/no/such/dir', 'nobind'], /not a directory/],
      [['--opt', 'type=none', '--opt', 'o=bind', '--opt', 'device=relative', 'relbind'], /absolute, normalized host path/],
      [['--opt', 'type=tmpfs', '--opt', 'o=size=huge', 'badsize'], /tmpfs size "huge"/],
      [['--opt', 'colour=red', 'badopt'], /invalid option: "colour"/],
      [['--driver', 'nfs', 'otherdriver'], /volume driver "nfs" is not supported by conet/],
      [['x'], /"x" includes invalid characters for a local volume name/],
      [['../../etc'], /includes invalid characters/],
      [['.hidden'], /includes invalid characters/],
    ];
    for (const [args, message] of refusals) {
      const result = await host.docker(['volume', 'create', ...args]);
      assert.notEqual(result.code, 0, args.join(' '));
      assert.match(result.stderr, message, args.join(' '));
    }
    const raw = await host.api('POST', '/v1.41/volumes/create', JSON.stringify({ Name: 'a/../../../escape' }));
    assert.equal(raw.status, 400);
    const typed = await host.api('POST', '/v1.41/volumes/create', JSON.stringify({ Name: 'typed', Labels: { a: 1 } }));
    assert.deepEqual([typed.status, JSON.parse(typed.body)], [400, { message: 'Labels.a must be a string' }]);
    assert.deepEqual(await names(host), ['bound', 'scratch'], 'no refused volume was recorded');
    assert.deepEqual((await readdir(volumesDir(host))).sort(), ['bound', 'scratch'], 'and none left a directory');
    await stat(join(host.dir, 'escape')).then(() => assert.fail('a hostile name made a directory outside'), () => undefined);
    assert.equal(await readFile(join(device, 'seed'), 'utf8'), 'from the host\n');
    await host.dockerOk(['volume', 'rm', 'bound', 'scratch']);
    assert.equal(await readFile(join(device, 'seed'), 'utf8'), 'from the host\n', "removing a bind volume leaves the host's directory alone");
  });
});
