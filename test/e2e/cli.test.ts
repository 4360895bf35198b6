/**
 * The `conet` command line (issue 17, item 4) against a test daemon: its tables and JSON say what
 * the docker CLI says about the same daemon, it finds the daemon through --host, CONET_HOST and
 * DOCKER_HOST, and a daemon error reaches the user as docker prints it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/exec/index.js';
import { CONET_BIN, withHost, type TestHost } from '../helpers/host.js';

function conet(host: TestHost, args: readonly string[], env: Record<string, string> = { DOCKER_HOST: `unix://${host.socket}` }) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'DOCKER_HOST' && key !== 'CONET_HOST'));
  return run([process.execPath, CONET_BIN, ...args], { allowFailure: true, timeoutMs: 30_000, env: { ...clean, ...env } });
}

test('conet ps and network ls|inspect show what docker shows; the daemon is found as docker finds it', async () => {
  await withHost(async (host) => {
    await host.dockerOk(['network', 'create', '--subnet', '10.77.0.0/24', 'cli-net']);
    await host.dockerOk(['run', '-d', '--name', 'cli-web', '--network', 'cli-net', '-p', '127.0.0.1:18080:80', 'busybox', 'sh', '-c', 'while true; do sleep 1; done']);
    await host.dockerOk(['create', '--name', 'cli-stopped', 'busybox', 'true']);

    const ls = await conet(host, ['network', 'ls']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.equal(ls.stdout, (await host.docker(['network', 'ls'])).stdout, 'the same table as docker network ls');

    const inspect = await conet(host, ['network', 'inspect', 'cli-net', 'bridge'], { CONET_HOST: `unix://${host.socket}`, DOCKER_HOST: 'unix:///nonexistent.sock' });
    assert.equal(inspect.code, 0, inspect.stderr);
    assert.deepEqual(JSON.parse(inspect.stdout), JSON.parse(await host.dockerOk(['network', 'inspect', 'cli-net', 'bridge'])));

    const ps = await conet(host, ['--host', `unix://${host.socket}`, 'ps'], { DOCKER_HOST: 'unix:///nonexistent.sock' });
    assert.equal(ps.code, 0, ps.stderr);
    const [header, ...rows] = ps.stdout.trimEnd().split('\n');
    const dockerPs = (await host.docker(['ps'])).stdout.trimEnd().split('\n');
    assert.deepEqual(header?.split(/ {2,}/), dockerPs[0]?.split(/ {2,}/), 'the same columns as docker ps (widths follow the cells, which change by the second)');
    assert.equal(rows.length, 1);
    const id = await host.dockerOk(['inspect', '-f', '{{.Id}}', 'cli-web']);
    assert.match(rows[0] ?? '', new RegExp(`^${id.slice(0, 12)} +busybox +"sh -c while true; d…" +.* ago +Up .* +127\\.0\\.0\\.1:18080->80/tcp +cli-web$`));

    const all = await conet(host, ['ps', '-a', '--json']);
    const listed = JSON.parse(all.stdout) as { names: string[]; networks: Record<string, string>; state: string }[];
    assert.deepEqual(listed.map((c) => c.names[0]).sort(), ['cli-stopped', 'cli-web']);
    assert.match(listed.find((c) => c.names[0] === 'cli-web')?.networks['cli-net'] ?? '', /^10\.77\.0\.\d+$/);
    assert.deepEqual((await conet(host, ['ps', '-aq'])).stdout.split('\n').filter(Boolean).sort(), (await host.dockerOk(['ps', '-aq'])).split('\n').sort());
  });
});

test('conet errors: a missing network, an unreachable daemon, usage mistakes exit 2', async () => {
  await withHost(async (host) => {
    const missing = await conet(host, ['network', 'inspect', 'no-such-net']);
    assert.deepEqual([missing.code, missing.stdout.trim(), missing.stderr], [1, '[]', 'Error: No such network: no-such-net\n']);
    const gone = await conet(host, ['ps'], { DOCKER_HOST: 'unix:///nonexistent/conet.sock' });
    assert.deepEqual([gone.code, gone.stderr], [1, 'Cannot connect to the conet daemon at unix:///nonexistent/conet.sock. Is the daemon running?\n']);
    const filter = await conet(host, ['network', 'ls', '--filter', 'bogus=1']);
    assert.equal(filter.code, 1);
    assert.match(filter.stderr, /^Error response from daemon: .*bogus/);
    const usage = await conet(host, ['network', 'frobnicate']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^conet: unknown command "frobnicate" for "conet network"\n\nUsage: conet network COMMAND/);
    const help = await conet(host, ['daemon', '--help']);
    assert.deepEqual([help.code, help.stderr], [0, '']);
    assert.match(help.stdout, /^Usage: conet daemon \[OPTIONS\]/);
  });
});
