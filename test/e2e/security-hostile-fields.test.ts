/**
 * Issue 10, item 2, end to end: a property run (fast-check, a small number of runs to keep CI
 * fast) against a real conetd over raw HTTP. Each run puts one hostile string (newlines, ';',
 * quotes, `$( )`, NUL, 100 kB, Unicode) into one string field of container create (then start),
 * network connect or network create. The answer is a 4xx with nothing changed, or a 2xx with the
 * value stored verbatim (inspect shows it); and once the object is removed again, the daemon has
 * no new child process, the host namespace no new link, the machine no new namespace, and no file
 * appeared where an injected command would have written one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { run } from '../../src/exec/index.js';
import { hostileString } from '../../src/util/hostile-strings.test-support.js';
import { delay, withHost, type TestHost } from '../helpers/host.js';

const RUNS = Number(process.env['CONET_PROPERTY_RUNS'] ?? 30);
const SEED = process.env['CONET_PROPERTY_SEED'] === undefined ? {} : { seed: Number(process.env['CONET_PROPERTY_SEED']) };
const NETWORK = 'propnet';
const CONTAINER = 'propbox';

type Door = 'create' | 'connect' | 'network';
type Body = Record<string, unknown>;
interface Field { door: Door; name: string; body: (value: string) => Body; query?: (value: string) => string }

const onNetwork = (settings: Body): Body => ({ Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: NETWORK }, NetworkingConfig: { EndpointsConfig: { [NETWORK]: settings } } });
const config = (extra: Body): Body => ({ Image: 'busybox', Cmd: ['true'], ...extra });
const hostConfig = (extra: Body): Body => config({ HostConfig: extra });

const FIELDS: Field[] = [
  { door: 'create', name: 'name (query)', body: () => config({}), query: (v) => `?name=${encodeURIComponent(v)}` },
  ...['Hostname', 'Domainname', 'User', 'WorkingDir', 'Image', 'MacAddress'].map((key): Field => ({ door: 'create', name: key, body: (v) => config({ [key]: v }) })),
  ...['Env', 'Cmd', 'Entrypoint'].map((key): Field => ({ door: 'create', name: key, body: (v) => config({ [key]: [v] }) })),
  { door: 'create', name: 'Labels', body: (v) => config({ Labels: { [v]: v } }) },
  ...['Dns', 'DnsOptions', 'DnsSearch', 'ExtraHosts'].map((key): Field => ({ door: 'create', name: `HostConfig.${key}`, body: (v) => hostConfig({ [key]: [v] }) })),
  { door: 'create', name: 'HostConfig.NetworkMode', body: (v) => hostConfig({ NetworkMode: v }) },
  { door: 'create', name: 'HostConfig.PortBindings', body: (v) => hostConfig({ PortBindings: { '80/tcp': [{ HostIp: v, HostPort: v }] } }) },
  { door: 'create', name: 'EndpointsConfig.MacAddress', body: (v) => onNetwork({ MacAddress: v }) },
  { door: 'create', name: 'EndpointsConfig.Aliases', body: (v) => onNetwork({ Aliases: [v] }) },
  { door: 'create', name: 'EndpointsConfig.IPv4Address', body: (v) => onNetwork({ IPAMConfig: { IPv4Address: v } }) },
  { door: 'connect', name: 'EndpointConfig.MacAddress', body: (v) => ({ Container: CONTAINER, EndpointConfig: { MacAddress: v } }) },
  { door: 'connect', name: 'EndpointConfig.Aliases', body: (v) => ({ Container: CONTAINER, EndpointConfig: { Aliases: [v] } }) },
  { door: 'connect', name: 'EndpointConfig.IPv4Address', body: (v) => ({ Container: CONTAINER, EndpointConfig: { IPAMConfig: { IPv4Address: v } } }) },
  { door: 'connect', name: 'EndpointConfig.IPv6Address', body: (v) => ({ Container: CONTAINER, EndpointConfig: { IPAMConfig: { IPv6Address: v } } }) },
  { door: 'network', name: 'Name', body: (v) => ({ Name: v }) },
  { door: 'network', name: 'Driver', body: (v) => ({ Name: 'propnew', Driver: v }) },
  { door: 'network', name: 'Labels', body: (v) => ({ Name: 'propnew', Labels: { [v]: v } }) },
  ...['com.docker.network.bridge.name', 'com.docker.network.driver.mtu', 'com.docker.network.bridge.host_binding_ipv4', 'com.docker.network.bridge.enable_icc'].map((key): Field => ({ door: 'network', name: `Options.${key}`, body: (v) => ({ Name: 'propnew', Options: { [key]: v } }) })),
  ...['Subnet', 'Gateway', 'IPRange'].map((key): Field => ({ door: 'network', name: `IPAM.Config.${key}`, body: (v) => ({ Name: 'propnew', IPAM: { Config: [{ Subnet: '10.77.0.0/24', [key]: v }] } }) })),
  { door: 'network', name: 'IPAM.Config.AuxiliaryAddresses', body: (v) => ({ Name: 'propnew', IPAM: { Config: [{ Subnet: '10.77.0.0/24', AuxiliaryAddresses: { [v]: v } }] } }) },
];

/** A string (or key) anywhere in an inspect answer. */
function holds(value: unknown, wanted: string): boolean {
  if (typeof value === 'string') return value === wanted;
  if (Array.isArray(value)) return value.some((item) => holds(item, wanted));
  if (value && typeof value === 'object') return Object.entries(value).some(([key, item]) => key === wanted || holds(item, wanted));
  return false;
}

/**
 * The daemon's descendants by command name. Names, not pids: the long-lived `nft monitor` child
 * is restarted when it drops out (a netlink overrun under load), which is no extra process.
 */
async function descendants(root: number): Promise<string[]> {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const match = /^\d+ \((.*)\) \S (\d+)/s.exec(stat);
    if (match) {
      parents.set(Number(entry), Number(match[2]));
      names.set(Number(entry), match[1] ?? '');
    }
  }
  const found: string[] = [];
  for (const [pid, name] of names) {
    for (let parent = parents.get(pid); parent !== undefined && parent > 1; parent = parents.get(parent)) {
      if (parent === root) {
        found.push(name);
        break;
      }
    }
  }
  return found.sort();
}

async function snapshot(host: TestHost): Promise<Record<string, unknown>> {
  const links = (await host.ip(['-br', 'link'])).split('\n').map((line) => line.split(/\s+/)[0]).filter(Boolean).sort();
  const namespaces = (await run(['ip', 'netns', 'list'])).stdout.split('\n').map((line) => line.split(' ')[0]).filter((name) => name && !name.startsWith('conet-t-') && !/^conet-[0-9a-f]{8}-/.test(name ?? '')).sort();
  const files = { tmp: (await readdir('/tmp')).filter((name) => name.includes('conet-prop')), hostDir: (await readdir(host.dir)).sort(), cwd: (await readdir(process.cwd())).sort() };
  const containers = await host.dockerOk(['ps', '-a', '--format', '{{.Names}}']);
  const networks = await host.dockerOk(['network', 'ls', '--format', '{{.Name}}']);
  return { links, files, containers, networks, own: (await run(['ip', 'netns', 'list'])).stdout.includes('conet-prop-x'), namespaces };
}

/** Settled: the daemon's short-lived children (ip, nft) are given a moment to end. */
async function children(host: TestHost): Promise<string[]> {
  let last: string[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    last = await descendants(host.daemonPid ?? -1);
    if (last.length === 0) return last;
    await delay(100);
  }
  return last;
}

async function inspectAndUndo(host: TestHost, field: Field, value: string, answer: string): Promise<void> {
  if (field.door === 'network') {
    const id = (JSON.parse(answer) as { Id: string }).Id;
    const inspect = JSON.parse((await host.api('GET', `/v1.41/networks/${id}`)).body) as unknown;
    assert.ok(holds(inspect, value), `${field.name}: stored verbatim`);
    await host.dockerOk(['network', 'rm', id]);
  } else if (field.door === 'connect') {
    const inspect = JSON.parse((await host.api('GET', `/v1.41/containers/${CONTAINER}/json`)).body) as unknown;
    assert.ok(field.name.endsWith('MacAddress') || holds(inspect, value), `${field.name}: stored verbatim`);
    await host.dockerOk(['network', 'disconnect', NETWORK, CONTAINER]);
  } else {
    const id = (JSON.parse(answer) as { Id: string }).Id;
    const inspect = JSON.parse((await host.api('GET', `/v1.41/containers/${id}/json`)).body) as unknown;
    // An empty name means "no name" (one is made up), an empty MAC "derive one": nothing to compare.
    const nothingToCompare = value === '' || field.name === 'MacAddress' || field.name.endsWith('.MacAddress');
    assert.ok(nothingToCompare || holds(inspect, value) || (field.query !== undefined && holds(inspect, `/${value}`)), `${field.name}: stored verbatim`);
    // Start too: where the kernel scripts run. Failing to start is fine; running anything extra is
    // not. Waited for to the end (a start can take a while to fail), so the removal below doesn't
    // race it: start against rm is issue 10's item 4, not what this test is about.
    await run(['curl', '-sS', '--max-time', '120', '--unix-socket', host.socket, '-X', 'POST', '-o', '/dev/null', `http://docker/v1.41/containers/${id}/start`], { allowFailure: true, timeoutMs: 130_000 });
    await host.api('DELETE', `/v1.41/containers/${id}?force=1`);
  }
}

test('hostile strings in every string field of create, connect and network create: a 4xx, or stored verbatim, and nothing extra anywhere', { timeout: 600_000 }, async () => {
  await withHost(async (host) => {
    await host.dockerOk(['network', 'create', '--subnet', '10.76.0.0/24', NETWORK]);
    await host.dockerOk(['create', '--name', CONTAINER, '--network', 'none', 'busybox', 'sleep', '600']);
    await host.dockerOk(['start', CONTAINER]);
    // Published ports go through one long-lived `nft -i`, started at the first publish: start it
    // now, so that a case publishing a port counts no new process.
    await host.dockerOk(['run', '--rm', '-p', '80', 'busybox', 'true']);
    const before = await snapshot(host);
    const processes = await children(host);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIELDS), hostileString(), async (field, value) => {
        const path = field.door === 'network' ? '/v1.41/networks/create' : field.door === 'connect' ? `/v1.41/networks/${NETWORK}/connect` : `/v1.41/containers/create${field.query?.(value) ?? ''}`;
        const answer = await host.api('POST', path, JSON.stringify(field.body(value)));
        assert.ok((answer.status >= 200 && answer.status < 300) || (answer.status >= 400 && answer.status < 500), `${field.name}: status ${answer.status} ${answer.body.slice(0, 200)}`);
        if (answer.status < 300) await inspectAndUndo(host, field, value, answer.body);
        assert.deepEqual(await snapshot(host), before, `${field.name}: nothing changed`);
        assert.deepEqual(await children(host), processes, `${field.name}: no new process`);
      }),
      { numRuns: RUNS, includeErrorInReport: true, endOnFailure: true, ...SEED },
    );
  });
});
