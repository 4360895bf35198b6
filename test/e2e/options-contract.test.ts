/**
 * The create/update contract (issue 12, item 1) with the real docker CLI: every option is applied
 * or refused with a 400 naming it, never accepted and ignored.
 *
 * - What the CLI 28 really sends, captured by a stand-in API on a unix socket (at API 1.41 and
 *   1.50): the defaults of options not given, and the applied options, pass the field table.
 * - Against a real daemon: refused options fail naming the option and leave nothing behind;
 *   applied ones (--cap-drop ALL, no-new-privileges, --dns, -p) still work; `docker update` with a
 *   resource is refused; `docker build` prints the 501 message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/exec/index.js';
import { CREATE_FIELDS } from '../../src/api/decode/create-fields.js';
import { checkFields } from '../../src/api/decode/create-fields-check.js';
import { DOCKER_BIN, withHost } from '../helpers/host.js';
import { standInImages } from '../helpers/images.js';

/** The body of each `docker create` the CLI makes against a stand-in that speaks `version`. */
async function captureCreates(version: string, runs: readonly (readonly string[])[]): Promise<unknown[]> {
  const dir = await mkdtemp(join(tmpdir(), 'conet-capture-'));
  const socket = join(dir, 'docker.sock');
  const bodies: unknown[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url?.split('?')[0]?.endsWith('/containers/create')) bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      const headers = { 'Api-Version': version, 'Content-Type': 'application/json', Ostype: 'linux' };
      if (request.url === '/_ping') return void response.writeHead(200, headers).end(request.method === 'HEAD' ? undefined : 'OK');
      response.writeHead(400, headers).end(JSON.stringify({ message: 'captured' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  try {
    const env = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: join(dir, 'config'), DOCKER_CLI_HINTS: 'false' };
    for (const args of runs) {
      const before = bodies.length;
      const result = await run([DOCKER_BIN, 'create', ...args], { allowFailure: true, timeoutMs: 60_000, env });
      assert.equal(bodies.length, before + 1, `API ${version}: docker create ${args.join(' ')} reached create: ${result.stderr}`);
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  }
  return bodies;
}

const APPLIED_RUNS: readonly (readonly string[])[] = [
  ['busybox'],
  ['-i', '--rm', '--name', 'x', '-p', '8080:80', '-P', '--expose', '81', '--dns', '9.9.9.9', '--dns-search', 'example.org', '--dns-option', 'ndots:2',
    '--add-host', 'h:10.0.0.9', '--cap-drop', 'ALL', '--cap-add', 'NET_RAW', '--security-opt', 'no-new-privileges', '-e', 'A=1', '-w', '/tmp', '-l', 'k=v',
    '--hostname', 'h', '--domainname', 'example.org', '--entrypoint', 'sh', 'busybox', '-c', 'true'],
  ['--network', 'n', '--ip', '10.0.0.5', '--ip6', 'fd00::5', '--network-alias', 'a', 'busybox'],
  ['-u', '65534:65534', '--group-add', '10', '--read-only', '--sysctl', 'net.ipv4.ip_forward=1', '--ulimit', 'nofile=1024:2048', '--shm-size', '128m', '--init', 'busybox'],
  ['-v', '/tmp:/mnt:ro', '--mount', 'type=bind,src=/tmp,dst=/b,bind-propagation=rslave', '--mount', 'type=tmpfs,dst=/t,tmpfs-size=1m', '--tmpfs', '/run:size=1m', 'busybox'],
  ['-v', 'data:/data', '-v', '/anonymous', '--mount', 'type=volume,src=v,dst=/v,readonly,volume-nocopy', '--volumes-from', 'other:ro', '--volume-driver', 'local', 'busybox'],
  ['--health-cmd', 'true', '--health-interval', '1s', '--health-timeout', '2s', '--health-retries', '3', '--health-start-period', '1s', 'busybox'],
  ['--memory', '64m', '--memory-swap', '128m', '--cpus', '0.5', '--cpu-shares', '512', '--pids-limit', '10', 'busybox'],
  // What the CLI sends for these is what conet does anyway.
  ['--restart', 'no', '--log-driver', 'json-file', '--no-healthcheck', '--ipc', 'private', '--cgroupns', 'host', '--userns', 'host', '--shm-size', '64m', '--runtime', 'runc', '--isolation', 'default', 'busybox'],
];

test('what the docker CLI 28 sends for options not given, and for the applied ones, passes the contract (API 1.41 and 1.50)', async () => {
  for (const version of ['1.41', '1.50']) {
    // The CLI 28 sends --mac-address only from API 1.44 (per network); below it refuses it itself.
    const runs = version === '1.41' ? APPLIED_RUNS : [
      ...APPLIED_RUNS,
      ['--network', 'n', '--mac-address', '02:42:ac:11:00:09', 'busybox'],
      ['--network', 'name=n,gw-priority=5,driver-opt=com.docker.network.endpoint.ifname=uplink0', 'busybox'],
    ];
    const bodies = await captureCreates(version, runs);
    bodies.forEach((body, index) => assert.doesNotThrow(() => checkFields(body, CREATE_FIELDS), `API ${version}: docker create ${runs[index]?.join(' ')}`));
    assert.deepEqual(checkFields(bodies[0], CREATE_FIELDS), [], 'no warnings for a plain create');
  }
});

/** Refused options, each with what the 400 must name. */
const REFUSED: ReadonlyArray<{ args: string[]; names: RegExp }> = [
  { args: ['--oom-kill-disable'], names: /HostConfig\.OomKillDisable \(--oom-kill-disable\)/ },
  { args: ['--pid', 'host'], names: /HostConfig\.PidMode \(--pid\)/ },
  { args: ['--cpu-rt-runtime', '950000'], names: /HostConfig\.CpuRealtimeRuntime \(--cpu-rt-runtime\)/ },
  { args: ['--cgroup-parent', 'elsewhere'], names: /HostConfig\.CgroupParent \(--cgroup-parent\)/ },
  { args: ['--log-driver', 'syslog'], names: /log driver "syslog" is not supported/ },
  { args: ['--volume-driver', 'flocker'], names: /HostConfig\.VolumeDriver: conet does not support the volume driver "flocker"/ },
  { args: ['--mount', 'type=volume,src=nfsvol,target=/x,volume-opt=type=nfs'], names: /the local driver's type "nfs" is not supported by conet/ },
  { args: ['--cap-add', 'NET_ADMIN', '--device', '/dev/null:/dev/x'], names: /HostConfig\.Devices \(--device\)/ },
  { args: ['--network', 'name=bridge,driver-opt=com.docker.network.endpoint.sysctls=net.ipv4.conf.IFNAME.log_martians=1'], names: /DriverOpts\.com\.docker\.network\.endpoint\.sysctls/ },
];

test('refused options fail naming the option and leave nothing behind; docker update\'s resources and build are refused', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    const results = await Promise.all(REFUSED.map(({ args }) => host.docker(['run', ...args, 'busybox', 'true'], { timeoutMs: 120_000 })));
    results.forEach((result, index) => {
      const { args, names } = REFUSED[index] ?? { args: [], names: /never/ };
      assert.notEqual(result.code, 0, `docker run ${args.join(' ')} must fail`);
      assert.match(result.stderr, /conet does not support|is not supported by conet/, `docker run ${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, names, `docker run ${args.join(' ')}: ${result.stderr}`);
    });
    assert.equal(await host.dockerOk(['ps', '-a', '-q']), '', 'no container was created');

    await host.dockerOk(['create', '--name', 'kept', 'busybox', 'sleep', '300']);
    const update = await host.docker(['update', '--cpu-rt-runtime', '950000', 'kept']);
    assert.notEqual(update.code, 0);
    assert.match(update.stderr, /conet does not support CpuRealtimeRuntime \(--cpu-rt-runtime\) yet/);
    const both = await host.docker(['update', '--restart', 'always', '--cpu-rt-runtime', '950000', 'kept']);
    assert.match(both.stderr, /conet does not support CpuRealtimeRuntime \(--cpu-rt-runtime\) yet/);
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.HostConfig.RestartPolicy.Name}}', 'kept']), 'no', 'the failed update changed nothing');
    const missing = await host.api('POST', '/v1.41/containers/nosuch/update', '{}');
    assert.equal(missing.status, 404);

    const context = join(host.dir, 'build-context');
    await run(['mkdir', '-p', context]);
    await writeFile(join(context, 'Dockerfile'), 'FROM busybox\n');
    const build = await host.docker(['build', context], { timeoutMs: 60_000 });
    assert.notEqual(build.code, 0);
    assert.match(build.stdout + build.stderr, /conet does not build images/, build.stdout + build.stderr);
    const prune = await host.api('POST', '/v1.41/build/prune', '');
    assert.equal(prune.status, 501);
    assert.match(JSON.parse(prune.body).message as string, /conet has no build cache/);
  });
});

test('applied options still work: --cap-drop ALL, no-new-privileges, --dns, -p, and the defaults spelled out', async () => {
  await withHost(async (host) => {
    await standInImages(host);
    const [caps, nnp, dns, spelled] = await Promise.all([
      host.docker(['run', '--rm', '--cap-drop', 'ALL', 'busybox', 'grep', 'CapEff', '/proc/self/status'], { timeoutMs: 120_000 }),
      host.docker(['run', '--rm', '--security-opt', 'no-new-privileges', 'busybox', 'grep', 'NoNewPrivs', '/proc/self/status'], { timeoutMs: 120_000 }),
      host.docker(['run', '--rm', '--dns', '9.9.9.9', 'busybox', 'cat', '/etc/resolv.conf'], { timeoutMs: 120_000 }),
      host.docker(['run', '--rm', '--restart', 'no', '--log-driver', 'json-file', '--no-healthcheck', 'busybox', 'echo', 'fine'], { timeoutMs: 120_000 }),
    ]);
    assert.match(caps.stdout, /CapEff:\s+0000000000000000/, JSON.stringify(caps));
    assert.match(nnp.stdout, /NoNewPrivs:\s+1/, JSON.stringify(nnp));
    assert.match(dns.stdout, /nameserver 9\.9\.9\.9/, JSON.stringify(dns));
    assert.equal(spelled.stdout.trim(), 'fine', JSON.stringify(spelled));
    const id = await host.dockerOk(['run', '-d', '-p', '8080:80', 'nginx']);
    assert.match(await host.dockerOk(['port', id, '80/tcp']), /:8080$/m);
  });
});
