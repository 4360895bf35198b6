/**
 * The dispatcher against a real HTTP server on a unix socket in a temporary directory (no root):
 * usage and exit codes, --host/--json handling, daemon error bodies turned into docker's messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './dispatch.js';

interface Captured { code: number; stdout: string; stderr: string }

async function cli(argv: string[], env: Record<string, string> = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: { write: (t) => { stdout += t; } }, stderr: { write: (t) => { stderr += t; } }, env });
  return { code, stdout, stderr };
}

async function withServer(handler: (path: string) => { status: number; body: unknown }, fn: (socket: string, seen: string[]) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'conet-cli-'));
  const socket = join(dir, 'api.sock');
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.url ?? '');
    const answer = handler(req.url ?? '');
    res.writeHead(answer.status, { 'Content-Type': 'application/json' });
    res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  try {
    await fn(socket, seen);
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  }
}

const NETWORKS = [
  { Name: 'bridge', Id: 'a'.repeat(64), Driver: 'bridge', Scope: 'local', IPAM: { Config: [{ Subnet: '172.17.0.0/16' }] } },
  { Name: 'host', Id: 'b'.repeat(64), Driver: 'host', Scope: 'local', IPAM: { Config: [] } },
];

test('help, unknown commands and unknown flags: usage, exit 0 for help and 2 for mistakes', async () => {
  const help = await cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: conet \[OPTIONS\] COMMAND/);
  assert.match(help.stdout, /\n {2}ps +List containers\n/);
  const daemonHelp = await cli(['daemon', '--help']);
  assert.equal(daemonHelp.code, 0);
  assert.match(daemonHelp.stdout, /^Usage: conet daemon \[OPTIONS\]/);
  assert.equal(daemonHelp.stderr, '');
  for (const argv of [['bogus'], [], ['ps', '--bogus'], ['network'], ['network', 'rm'], ['--bogus', 'ps'], ['network', 'inspect'], ['ps', '-f', 'novalue']]) {
    const result = await cli(argv);
    assert.equal(result.code, 2, argv.join(' '));
    assert.equal(result.stdout, '', argv.join(' '));
    assert.match(result.stderr, /^conet: .*\n\nUsage: conet/, argv.join(' '));
  }
  assert.match((await cli(['network', '--help'])).stdout, /ls +List networks\n/);
  assert.match((await cli(['--help', 'network', 'ls'])).stdout, /^Usage: conet network ls/);
});

test('network ls: the table, --json, -q, filters sent to the API, the host from the environment or a flag', async () => {
  await withServer(() => ({ status: 200, body: NETWORKS }), async (socket, seen) => {
    const table = await cli(['network', 'ls'], { DOCKER_HOST: `unix://${socket}` });
    assert.equal(table.code, 0, table.stderr);
    assert.equal(table.stdout, `NETWORK ID     NAME      DRIVER    SCOPE\n${'a'.repeat(12)}   bridge    bridge    local\n${'b'.repeat(12)}   host      host      local\n`);
    const json = await cli(['--json', 'network', 'ls'], { CONET_HOST: `unix://${socket}`, DOCKER_HOST: 'unix:///nowhere.sock' });
    assert.deepEqual(JSON.parse(json.stdout).map((n: { name: string; subnets: string[] }) => [n.name, n.subnets]), [['bridge', ['172.17.0.0/16']], ['host', []]]);
    const quiet = await cli(['network', 'ls', '-q', '--no-trunc', '--host', `unix://${socket}`, '-f', 'driver=bridge']);
    assert.equal(quiet.stdout, `${'a'.repeat(64)}\n${'b'.repeat(64)}\n`);
    assert.equal(decodeURIComponent(seen.at(-1) ?? ''), '/networks?filters={"driver":["bridge"]}');
  });
});

test('daemon errors: the {"message"} body as docker prints it, a missing network per name, an unreachable daemon', async () => {
  await withServer((path) => (path.startsWith('/networks/nope') ? { status: 404, body: { message: 'network nope not found' } } : path.startsWith('/networks/') ? { status: 200, body: NETWORKS[0] } : { status: 500, body: 'plain failure' }), async (socket) => {
    const env = { DOCKER_HOST: `unix://${socket}` };
    const inspect = await cli(['network', 'inspect', 'bridge', 'nope'], env);
    assert.equal(inspect.code, 1);
    assert.equal(JSON.parse(inspect.stdout).length, 1);
    assert.equal(inspect.stderr, 'Error: No such network: nope\n');
    const failed = await cli(['ps'], env);
    assert.deepEqual([failed.code, failed.stderr], [1, 'Error response from daemon: plain failure\n']);
  });
  const gone = await cli(['ps'], { DOCKER_HOST: 'unix:///nonexistent/conet.sock' });
  assert.deepEqual([gone.code, gone.stderr], [1, 'Cannot connect to the conet daemon at unix:///nonexistent/conet.sock. Is the daemon running?\n']);
  const badHost = await cli(['ps'], { DOCKER_HOST: 'ssh://box' });
  assert.equal(badHost.code, 1);
  assert.match(badHost.stderr, /DOCKER_HOST "ssh:\/\/box"/);
});

test('a daemon answer of the wrong shape is an error naming the field, not a broken table', async () => {
  await withServer(() => ({ status: 200, body: [{ Id: 'x', Names: ['/a'], Created: 'yesterday' }] }), async (socket) => {
    const result = await cli(['ps', '-a'], { DOCKER_HOST: `unix://${socket}` });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /containers\[0\]\.Created: expected a number/);
  });
});
