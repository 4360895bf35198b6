/**
 * Issue 10, item 4: races on a real daemon. Raw HTTP over the unix socket (one Node agent, not a
 * hundred docker CLI processes): 100 parallel creates with one name give one 201; 100 parallel
 * create+start on one network give distinct addresses, MACs and host ports; 100 parallel connects
 * to a second network give distinct addresses there, and parallel disconnects leave nothing; two
 * parallel starts of one container leave it running in its namespace. No pings (the machine's
 * ARP table is small); the whole test has a deadline, so a deadlock fails it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, Agent } from 'node:http';
import { randomBytes } from 'node:crypto';
import { run } from '../../src/exec/index.js';
import { withHost, type TestHost } from '../helpers/host.js';

const COUNT = 100;

interface Reply {
  status: number;
  body: string;
}

function api(host: TestHost, agent: Agent, method: string, path: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) };
    const req = request({ socketPath: host.socket, agent, method, path, headers, timeout: 120_000 }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 120 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

async function ok(reply: Promise<Reply>, expected: number[], what: string): Promise<Reply> {
  const answer = await reply;
  assert.ok(expected.includes(answer.status), `${what}: ${answer.status} ${answer.body}`);
  return answer;
}

interface Inspect {
  Id: string;
  State: { Status: string; Pid: number };
  NetworkSettings: {
    SandboxKey: string;
    Ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null>;
    Networks: Record<string, { IPAddress: string; MacAddress: string }>;
  };
}

async function inspectAll(host: TestHost, agent: Agent, ids: string[]): Promise<Inspect[]> {
  return Promise.all(ids.map(async (id) => JSON.parse((await ok(api(host, agent, 'GET', `/containers/${id}/json`), [200], `inspect ${id}`)).body) as Inspect));
}

function assertDistinct(values: string[], what: string): void {
  assert.equal(values.filter(Boolean).length, COUNT, `every container has a ${what}`);
  assert.equal(new Set(values).size, COUNT, `${what}s are distinct`);
}

test('100 parallel same-name creates, runs, connects and disconnects: one winner, distinct addresses, no deadlock', { timeout: 600_000 }, async () => {
  await withHost(
    async (host) => {
      const agent = new Agent({ keepAlive: true, maxSockets: COUNT });
      const run8 = randomBytes(4).toString('hex');
      const [first, second] = [`race1-${run8}`, `race2-${run8}`];
      const ids: string[] = [];
      const timings: Record<string, number> = {};
      const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
        const started = Date.now();
        try {
          return await work();
        } finally {
          timings[step] = Date.now() - started;
        }
      };
      try {
        await ok(api(host, agent, 'POST', '/networks/create', { Name: first }), [201], 'network create');
        await ok(api(host, agent, 'POST', '/networks/create', { Name: second }), [201], 'network create');

        // 1. One name, 100 parallel creates: one 201, 99 × 409 naming the winner.
        const dup = `dup-${run8}`;
        const creates = await timed('same-name creates', () => Promise.all(Array.from({ length: COUNT }, () => api(host, agent, 'POST', `/containers/create?name=${dup}`, { Image: 'busybox', Cmd: ['true'] }))));
        const winners = creates.filter((reply) => reply.status === 201);
        assert.equal(winners.length, 1, `one create wins: ${creates.map((reply) => reply.status).join(',')}`);
        const winner = (JSON.parse(winners[0]?.body ?? '{}') as { Id: string }).Id;
        for (const reply of creates.filter((candidate) => candidate.status !== 201)) {
          assert.equal(reply.status, 409, reply.body);
          assert.equal((JSON.parse(reply.body) as { message: string }).message, `Conflict. The container name "/${dup}" is already in use by container "${winner}". You have to remove (or rename) that container to be able to reuse that name.`);
        }
        const listed = JSON.parse((await api(host, agent, 'GET', `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ name: [dup] }))}`)).body) as unknown[];
        assert.equal(listed.length, 1, 'one container holds the name');
        await ok(api(host, agent, 'DELETE', `/containers/${winner}?force=1`), [204], 'rm dup');

        // 2. Two parallel starts of one container: one 204, one 304; it runs in its own namespace.
        const twin = JSON.parse((await ok(api(host, agent, 'POST', `/containers/create?name=twin-${run8}`, { Image: 'busybox', Cmd: ['sleep', '3600'], HostConfig: { NetworkMode: first } }), [201], 'create twin')).body) as { Id: string };
        ids.push(twin.Id);
        const starts = await Promise.all([0, 1, 2].map(() => api(host, agent, 'POST', `/containers/${twin.Id}/start`)));
        assert.deepEqual(starts.map((reply) => reply.status).sort(), [204, 304, 304], starts.map((reply) => reply.body).join(' '));
        const [twinState] = await inspectAll(host, agent, [twin.Id]);
        assert.equal(twinState?.State.Status, 'running');
        const inode = (path: string) => run(['stat', '-L', '-c', '%i', path]).then((result) => result.stdout.trim());
        assert.equal(await inode(`/proc/${twinState?.State.Pid}/ns/net`), await inode(twinState?.NetworkSettings.SandboxKey ?? ''), 'the process is in the sandbox that inspect names');

        // 3. 100 parallel create+start with a dynamic published port on one network.
        const body = { Image: 'busybox', Cmd: ['sleep', '3600'], ExposedPorts: { '80/tcp': {} }, HostConfig: { NetworkMode: first, PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '' }] } } };
        const runs = await timed('100 parallel runs', () =>
          Promise.all(
            Array.from({ length: COUNT }, async (_, index) => {
              const created = await ok(api(host, agent, 'POST', `/containers/create?name=c${index}-${run8}`, body), [201], `create c${index}`);
              const { Id } = JSON.parse(created.body) as { Id: string };
              ids.push(Id);
              await ok(api(host, agent, 'POST', `/containers/${Id}/start`), [204], `start c${index}`);
              return Id;
            }),
          ),
        );
        const running = await inspectAll(host, agent, runs);
        assert.deepEqual([...new Set(running.map((container) => container.State.Status))], ['running']);
        assertDistinct(running.map((container) => container.NetworkSettings.Networks[first]?.IPAddress ?? ''), 'IPv4 address');
        assertDistinct(running.map((container) => container.NetworkSettings.Networks[first]?.MacAddress ?? ''), 'MAC');
        assertDistinct(running.map((container) => container.NetworkSettings.Ports['80/tcp']?.find((binding) => binding.HostIp === '0.0.0.0')?.HostPort ?? ''), 'host port');

        // 4. 100 parallel connects to a second network, then 100 parallel disconnects.
        await timed('100 parallel connects', () => Promise.all(runs.map((id) => ok(api(host, agent, 'POST', `/networks/${second}/connect`, { Container: id }), [200], `connect ${id}`))));
        const connected = await inspectAll(host, agent, runs);
        assertDistinct(connected.map((container) => container.NetworkSettings.Networks[second]?.IPAddress ?? ''), 'second-network address');
        assertDistinct(connected.map((container) => container.NetworkSettings.Networks[second]?.MacAddress ?? ''), 'second-network MAC');
        await timed('100 parallel disconnects', () => Promise.all(runs.map((id) => ok(api(host, agent, 'POST', `/networks/${second}/disconnect`, { Container: id }), [200], `disconnect ${id}`))));
        const network = JSON.parse((await ok(api(host, agent, 'GET', `/networks/${second}`), [200], 'network inspect')).body) as { Containers: Record<string, unknown> };
        assert.deepEqual(Object.keys(network.Containers), [], 'nothing left on the second network');
        assert.equal((await host.ip(['-br', 'link', 'show', 'master', `br-${(JSON.parse((await api(host, agent, 'GET', `/networks/${second}`)).body) as { Id: string }).Id.slice(0, 12)}`])).trim(), '', 'no veth left on its bridge');
      } finally {
        // Clean-up in parallel (dispose's docker rm -f is the fallback).
        await timed('100 parallel rm -f', () => Promise.all(ids.map((id) => api(host, agent, 'DELETE', `/containers/${id}?force=1`).catch(() => undefined))));
        agent.destroy();
        console.log(`# timings (ms): ${JSON.stringify(timings)}`);
      }
    },
    { logLevel: 'info' },
  );
});
