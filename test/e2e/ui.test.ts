/**
 * The topology web view (issue 17 item 2) in a real browser: Debian's chromium in the test host's
 * namespace. A fixture of 3 networks and 6 containers shows with the right edges; docker run and
 * docker rm change the graph within 1 s; a click shows a container's interfaces, routes, DNS names
 * and ports; the trace between two picked containers is the daemon's (or shown unavailable while
 * the daemon has no trace route); no console errors; no request leaves the view's origin. Access:
 * no token 401, wrong Host 403, read-only, loopback only unless configured.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { run } from '../../src/exec/index.js';
import { launchInNetns } from '../helpers/browser.js';
import { CONET_BIN, delay, TestHost, withHost } from '../helpers/host.js';
import { HOST_ADDRESS, Outside } from '../helpers/outside.js';

/** What ui/main.ts exposes on window for tests (read from the rendered Cytoscape graph). */
interface ViewWindow {
  conetView?: {
    nodes(): Array<{ id: string; kind: string; name: string }>;
    edges(): Array<{ source: string; target: string; kind: string }>;
    pagePosition(name: string): { x: number; y: number } | undefined;
  };
}

const PORT = 7380;
let host: TestHost;
let url = '';

/** The view's URL with its token, from the daemon's log line. */
async function viewUrl(target: TestHost): Promise<string> {
  for (let tries = 0; tries < 100; tries += 1) {
    const match = /"msg":"topology view: open this URL","url":"([^"]+)"/.exec(await target.log());
    if (match?.[1]) return match[1];
    await delay(100);
  }
  throw new Error('the daemon logged no view URL');
}

/** curl inside a namespace: status code (0 when it could not connect). */
async function curl(netns: string, target: string, headers: readonly string[] = [], method = 'GET'): Promise<{ status: number; headers: string }> {
  const argv = ['ip', 'netns', 'exec', netns, 'curl', '-sS', '-o', '/dev/null', '-D', '-', '--max-time', '1', '-X', method, '-w', '%{http_code}', ...headers.flatMap((header) => ['-H', header]), target];
  const result = await run(argv, { allowFailure: true, timeoutMs: 5_000 });
  const at = result.stdout.lastIndexOf('\n');
  return { status: Number(result.stdout.slice(at + 1)) || 0, headers: result.stdout.slice(0, at) };
}

before(async () => {
  host = await TestHost.create({ daemonArgs: ['--ui', `127.0.0.1:${PORT}`], logLevel: 'info' });
  url = await viewUrl(host);
});

after(async () => {
  await host?.dispose();
});

async function makeFixture(): Promise<void> {
  await Promise.all([
    host.dockerOk(['network', 'create', '--subnet', '10.71.0.0/24', 'ui-a']),
    host.dockerOk(['network', 'create', '--subnet', '10.72.0.0/24', 'ui-b']),
    host.dockerOk(['network', 'create', '--internal', '--subnet', '10.73.0.0/24', 'ui-c']),
  ]);
  const runs: Array<readonly string[]> = [
    ['--name', 'c1', '--network', 'ui-a'], ['--name', 'c2', '--network', 'ui-a'], ['--name', 'c3', '--network', 'ui-b'],
    ['--name', 'c4', '--network', 'ui-b'], ['--name', 'c5', '--network', 'ui-c'], ['--name', 'c6', '--network', 'ui-a', '-p', '8080:80'],
  ];
  await Promise.all(runs.map((args) => host.dockerOk(['run', '-d', ...args, 'busybox', 'sleep', '600'])));
  await host.dockerOk(['network', 'connect', 'ui-c', 'c4']);
}

/** The graph's container-to-network edges, as "container>network" names. */
async function graphEdges(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const view = (window as unknown as ViewWindow).conetView;
    if (!view) return [];
    const names = new Map(view.nodes().map((node) => [node.id, node.name]));
    return view.edges().filter((edge) => edge.kind === 'endpoint').map((edge) => `${names.get(edge.source) ?? '?'}>${names.get(edge.target) ?? '?'}`).sort();
  });
}

/** ms until the page's graph has (or lacks) a container node named `name`. */
async function timeUntil(page: Page, name: string, present: boolean): Promise<number> {
  const start = Date.now();
  await page.waitForFunction(([wanted, shown]) => ((window as unknown as ViewWindow).conetView?.nodes().some((node) => node.kind === 'container' && node.name === wanted) ?? false) === shown, [name, present] as const, { timeout: 5_000, polling: 20 });
  return Date.now() - start;
}

test('the view in chromium: fixture graph, live run/rm within 1 s, container details, trace, no console errors, offline', async () => {
  let browser: Browser | undefined;
  try {
    await makeFixture();
    browser = await launchInNetns(host.netnsPath, host.dir);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    const origin = `http://127.0.0.1:${PORT}`;
    page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => { if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) problems.push(`request outside the view: ${request.url()}`); });
    await page.goto(url);
    assert.equal(new URL(page.url()).search, '', 'the token leaves the address bar');
    await page.waitForFunction(() => ((window as unknown as ViewWindow).conetView?.nodes().filter((node) => node.kind === 'container').length ?? 0) >= 6, undefined, { timeout: 10_000 });
    const names = await page.evaluate(() => (window as unknown as ViewWindow).conetView?.nodes().map((node) => `${node.kind}:${node.name}`).sort() ?? []);
    for (const network of ['bridge', 'host', 'none', 'ui-a', 'ui-b', 'ui-c']) assert.ok(names.includes(`network:${network}`), `network ${network} in ${names.join(' ')}`);
    assert.deepEqual(names.filter((name) => name.startsWith('container:')), ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((name) => `container:${name}`));
    assert.deepEqual(await graphEdges(page), ['c1>ui-a', 'c2>ui-a', 'c3>ui-b', 'c4>ui-b', 'c4>ui-c', 'c5>ui-c', 'c6>ui-a']);
    assert.ok(names.some((name) => name.startsWith('port:0.0.0.0:8080')), 'the published port is drawn');
    if (process.env['CONET_UI_SCREENSHOT']) await page.screenshot({ path: process.env['CONET_UI_SCREENSHOT'] });

    await host.dockerOk(['run', '-d', '--name', 'c7', '--network', 'ui-b', 'busybox', 'sleep', '600']);
    const shown = await timeUntil(page, 'c7', true);
    await host.dockerOk(['rm', '-f', 'c7']);
    const gone = await timeUntil(page, 'c7', false);
    assert.ok(shown <= 1_000 && gone <= 1_000, `graph changed ${shown} ms after docker run and ${gone} ms after docker rm`);

    const at = await page.evaluate(() => (window as unknown as ViewWindow).conetView?.pagePosition('c4'));
    assert.ok(at, 'c4 is drawn');
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector('#panel[data-container="c4"]', { timeout: 5_000 });
    const panel = await page.locator('#panel').innerText();
    const c4 = JSON.parse(await host.dockerOk(['inspect', 'c4'])) as Array<{ NetworkSettings: { Networks: Record<string, { IPAddress: string }> } }>;
    for (const network of ['ui-b', 'ui-c']) assert.ok(panel.includes(`${c4[0]?.NetworkSettings.Networks[network]?.IPAddress}/24`), `${network} address in panel:\n${panel}`);
    for (const text of ['eth0', 'eth1', 'default', '10.72.0.0/24', '10.73.0.0/24']) assert.ok(panel.includes(text), `${text} in panel:\n${panel}`);
    assert.ok(/c4/.test(panel) && panel.includes('DNS names'), panel);

    await page.selectOption('#trace-to', 'c5');
    await page.click('#trace-button');
    const verdict = await page.locator('#trace-result').getAttribute('data-verdict', { timeout: 10_000 });
    const route = await host.api('GET', '/conet/v1/trace?src=c4&dst=c5');
    if (route.status === 404 && /page not found/.test(route.body)) assert.equal(verdict, 'unavailable');
    else assert.equal(verdict, (JSON.parse(route.body) as { verdict: string }).verdict, 'the page shows the daemon trace verdict');
    if (process.env['CONET_UI_SCREENSHOT']) await page.screenshot({ path: process.env['CONET_UI_SCREENSHOT'].replace(/\.png$/, '-panel.png') });
    assert.deepEqual(problems, []);
  } finally {
    await browser?.close();
  }
});

test('access: no token 401, token URL sets the cookie, wrong Host 403, read-only, not reachable from another namespace', async () => {
  const token = new URL(url).searchParams.get('token') ?? '';
  const base = `http://127.0.0.1:${PORT}`;
  const [none, wrong, bearer, login, rebound, post, page] = await Promise.all([
    curl(host.netns, `${base}/api/topology`),
    curl(host.netns, `${base}/api/topology`, ['Authorization: Bearer 0123456789abcdef']),
    curl(host.netns, `${base}/api/topology`, [`Authorization: Bearer ${token}`]),
    curl(host.netns, `${base}/?token=${token}`),
    curl(host.netns, `${base}/api/topology`, [`Authorization: Bearer ${token}`, `Host: rebound.example:${PORT}`]),
    curl(host.netns, `${base}/api/topology`, [`Authorization: Bearer ${token}`], 'POST'),
    curl(host.netns, `${base}/`),
  ]);
  assert.deepEqual([none.status, wrong.status, bearer.status, login.status, rebound.status, post.status, page.status], [401, 401, 200, 302, 403, 405, 401]);
  assert.match(login.headers, /set-cookie: conet_ui=[0-9a-f]+; HttpOnly; SameSite=Strict/i);
  const outside = await Outside.create(host);
  try {
    assert.equal((await curl(outside.netns, `http://${HOST_ADDRESS}:${PORT}/`)).status, 0, 'the loopback-bound view is not reachable from another namespace');
  } finally {
    await outside.dispose();
  }
  const refused = await run(['nsenter', `--net=${host.netnsPath}`, '--', process.execPath, CONET_BIN, 'daemon', '--ui', `0.0.0.0:${PORT + 1}`, '--host', `unix://${host.dir}/refused.sock`, '--data-root', `${host.dir}/refused-data`, '--exec-root', `${host.dir}/refused-exec`], { allowFailure: true, timeoutMs: 20_000 });
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /not a loopback address/);
});

test('configured with ui-allow-remote (config file), the view is reachable from another namespace, still behind its token', async () => {
  await withHost(async (remote) => {
    const outside = await Outside.create(remote);
    try {
      const token = new URL(await viewUrl(remote)).searchParams.get('token') ?? '';
      const target = `http://${HOST_ADDRESS}:${PORT}/api/topology`;
      const [without, withToken] = await Promise.all([curl(outside.netns, target), curl(outside.netns, target, [`Authorization: Bearer ${token}`])]);
      assert.deepEqual([without.status, withToken.status], [401, 200]);
    } finally {
      await outside.dispose();
    }
  }, { config: { ui: `0.0.0.0:${PORT}`, 'ui-allow-remote': true }, logLevel: 'info' });
});
