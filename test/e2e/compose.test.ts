/**
 * Debian's docker-compose 1.29.2 (compose v1, through docker-py 5.0.3) against conetd (issue 12's
 * acceptance): a file format 2.4 project with a named volume, a healthcheck, `depends_on:
 * condition: service_healthy` and `restart: unless-stopped`. `up -d` returns only once db is
 * healthy (app is created after db's health_status event and finds db's marker in the volume);
 * a process killed from outside comes back (RestartCount, new PID); after a simulated reboot
 * (daemon, monitors and containers' processes killed, daemon started) both run again; the volume's
 * data survives `down` + `up` without `-v`. A second project shows more of compose v1's habits:
 * `links:` (sent again on each network connect), `oom_score_adj`, `shm_size` and a bind mount.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type RunResult } from '../../src/exec/index.js';
import { delay, withHost, type TestHost } from '../helpers/host.js';

const COMPOSE_BIN = '/usr/bin/docker-compose';
const PROJECT = 'cmp';
const DB = `${PROJECT}_db_1`;
const APP = `${PROJECT}_app_1`;

/**
 * db writes its marker into the named volume 3 s after it starts and is healthy only from then;
 * every start of db appends a line to /data/starts. app reads the same volume (read-only) and says
 * whether db's marker was there when it started. No image is pulled: busybox is built in.
 */
const COMPOSE_FILE = `version: "2.4"
services:
  db:
    image: busybox:latest
    command: ["sh", "-c", "echo start >> /data/starts; sleep 3; date +%s > /data/ready; exec sleep 3600"]
    volumes:
      - dbdata:/data
    healthcheck:
      test: ["CMD", "test", "-f", "/data/ready"]
      interval: 1s
      timeout: 2s
      retries: 30
    restart: unless-stopped
    stop_grace_period: 1s
  app:
    image: busybox:latest
    command: ["sh", "-c", "if test -f /data/ready; then echo saw-ready; else echo no-ready; fi; exec sleep 3600"]
    volumes:
      - dbdata:/data:ro
    depends_on:
      db:
        condition: service_healthy
    restart: unless-stopped
    stop_grace_period: 1s
volumes:
  dbdata:
`;

interface Project {
  host: TestHost;
  dir: string;
}

/** docker-compose in the project's directory, talking to the test host's socket; must succeed. */
async function compose(project: Project, args: readonly string[]): Promise<RunResult> {
  const result = await run([COMPOSE_BIN, '--ansi', 'never', '-p', PROJECT, ...args], {
    cwd: project.dir,
    allowFailure: true,
    timeoutMs: 60_000,
    env: { ...project.host.dockerEnv, COMPOSE_INTERACTIVE_NO_CLI: '1' },
  });
  if (result.code !== 0) assert.fail(`docker-compose ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
  return result;
}

async function withProject(fn: (project: Project) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'conet-compose-'));
  try {
    await writeFile(join(dir, 'docker-compose.yml'), COMPOSE_FILE);
    await withHost((host) => fn({ host, dir }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function inspect(host: TestHost, name: string, format: string): Promise<string> {
  return host.dockerOk(['inspect', '-f', format, name]);
}

/** Polls `docker inspect` until `want` holds; fails with what it saw last. */
async function until(host: TestHost, name: string, format: string, want: (value: string) => boolean, ms = 30_000): Promise<string> {
  const deadline = Date.now() + ms;
  let seen = '';
  while (Date.now() < deadline) {
    seen = await inspect(host, name, format);
    if (want(seen)) return seen;
    await delay(100);
  }
  assert.fail(`${name}: ${format} never matched (last: ${seen})`);
}

const STATE = '{{.State.Status}} {{.State.Pid}} {{.RestartCount}}';

interface Event {
  Action: string;
  Actor: { Attributes: Record<string, string> };
  timeNano: number;
}

/** The container events of [since, now], oldest first, as `name action` lines. */
async function containerEvents(host: TestHost, since: string): Promise<string[]> {
  const out = await host.dockerOk(['events', '--since', since, '--until', (Date.now() / 1000 + 0.5).toFixed(3), '--filter', 'type=container', '--format', '{{json .}}']);
  return out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Event).map((event) => `${event.Actor.Attributes['name']} ${event.Action}`);
}

async function monitorsOf(host: TestHost): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.startsWith('/usr/bin/conmon') && cmdline.includes(host.dir)) pids.push(Number(entry));
  }
  return pids;
}

/** The volume's file, read through a throwaway container (the data root is the daemon's business). */
async function volumeFile(host: TestHost, file: string): Promise<string> {
  return host.dockerOk(['run', '--rm', '-v', `${PROJECT}_dbdata:/data:ro`, 'busybox', 'cat', `/data/${file}`]);
}

async function upWaitsForHealth(project: Project): Promise<void> {
  const { host } = project;
  const since = (Date.now() / 1000 - 1).toFixed(3);
  const started = Date.now();
  await compose(project, ['up', '-d']);
  assert.ok(Date.now() - started >= 3_000, 'up -d took at least db\'s 3 s to become healthy');
  assert.equal(await inspect(host, DB, '{{.State.Health.Status}}'), 'healthy', 'db is healthy when up -d returns');
  const events = await containerEvents(host, since);
  const healthy = events.indexOf(`${DB} health_status: healthy`);
  assert.ok(healthy >= 0, `db's healthy event: ${events.join(', ')}`);
  assert.ok(events.indexOf(`${APP} create`) > healthy, `app is created after db is healthy: ${events.join(', ')}`);
  assert.ok(events.indexOf(`${APP} start`) > healthy, `app starts after db is healthy: ${events.join(', ')}`);
  const ready = Number(await volumeFile(host, 'ready'));
  assert.ok(Date.parse(await inspect(host, APP, '{{.State.StartedAt}}')) / 1000 >= ready, 'app started after db wrote its marker');
  assert.equal(await host.dockerOk(['logs', APP]), 'saw-ready', 'app found db\'s marker in the volume');
  assert.equal(await inspect(host, APP, '{{.HostConfig.RestartPolicy.Name}} {{.RestartCount}}'), 'unless-stopped 0');
}

async function killedProcessComesBack(host: TestHost): Promise<void> {
  const pid = Number(await inspect(host, APP, '{{.State.Pid}}'));
  assert.ok(pid > 0, 'app has a process');
  process.kill(pid, 'SIGKILL');
  const seen = await until(host, APP, STATE, (value) => value.startsWith('running ') && !value.includes(` ${pid} `) && value.endsWith(' 1'));
  const fresh = Number(seen.split(' ')[1]);
  assert.equal(await readFile(`/proc/${fresh}/cmdline`, 'utf8'), 'sleep\x003600\x00', 'the new process is app\'s command (sh exec\'d sleep)');
  assert.equal(await host.dockerOk(['logs', APP]), 'saw-ready\nsaw-ready', 'app\'s command ran again');
}

async function reboot(host: TestHost): Promise<void> {
  const pids = await Promise.all([DB, APP].map((name) => inspect(host, name, '{{.State.Pid}}').then(Number)));
  await host.kill();
  for (const pid of await monitorsOf(host)) process.kill(pid, 'SIGKILL');
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  await delay(300);
  assert.deepEqual(await monitorsOf(host), [], 'nothing of the old boot runs');
  await host.start();
  for (const name of [DB, APP]) {
    const pid = Number((await until(host, name, STATE, (value) => value.startsWith('running '))).split(' ')[1]);
    assert.ok(!pids.includes(pid), `${name} runs a new process`);
  }
  await until(host, DB, '{{.State.Health.Status}}', (value) => value === 'healthy');
  assert.equal(await volumeFile(host, 'starts'), 'start\nstart', 'db started again on its volume');
  // Name resolution on the project's network is back too.
  assert.match(await host.dockerOk(['exec', APP, 'nslookup', 'db', '127.0.0.11']), /Name:\s+db\nAddress: 172\./);
}

async function dataSurvivesDownUp(project: Project): Promise<void> {
  const { host } = project;
  const before = await inspect(host, DB, '{{.Id}}');
  const ready = await volumeFile(host, 'ready');
  await compose(project, ['down']);
  assert.equal(await host.dockerOk(['ps', '-aq']), '', 'down removed the containers');
  assert.equal(await host.dockerOk(['volume', 'ls', '-q']), `${PROJECT}_dbdata`, 'down without -v keeps the volume');
  await compose(project, ['up', '-d']);
  assert.notEqual(await inspect(host, DB, '{{.Id}}'), before, 'a new db container');
  assert.equal(await inspect(host, DB, '{{.State.Health.Status}}'), 'healthy');
  assert.equal(await volumeFile(host, 'starts'), 'start\nstart\nstart', 'the new db appended to the old file');
  assert.notEqual(await volumeFile(host, 'ready'), '', 'the marker is there');
  assert.ok(Number(await volumeFile(host, 'ready')) >= Number(ready));
  await compose(project, ['down']);
}

test('docker-compose 1.29.2: up -d waits for health, restart brings a killed process back, reboot, data survives down + up', { timeout: 120_000 }, async () => {
  await withProject(async (project) => {
    await upWaitsForHealth(project);
    assert.match((await compose(project, ['ps'])).stdout, new RegExp(`${DB} .* Up \\(healthy\\)`));
    await killedProcessComesBack(project.host);
    await reboot(project.host);
    await dataSurvivesDownUp(project);
  });
});

/** web serves a bind-mounted directory; client links to it under another name on the project's network. */
const HABITS_FILE = `version: "2.4"
services:
  web:
    image: busybox:latest
    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
    volumes:
      - ./site:/www:ro
    shm_size: 16m
    stop_grace_period: 1s
  client:
    image: busybox:latest
    command: ["sleep", "3600"]
    links: ["web:legacy"]
    oom_score_adj: 300
    depends_on: [web]
    stop_grace_period: 1s
`;

async function linksAcrossConnect(project: Project): Promise<void> {
  const { host } = project;
  const [web, client] = [`${PROJECT}_web_1`, `${PROJECT}_client_1`];
  // The link's alias answers for client only, on the project's network.
  assert.equal(await host.dockerOk(['exec', client, 'wget', '-qO-', 'http://legacy:8080/index.html']), 'served from the bind mount');
  const stranger = await host.docker(['run', '--rm', '--network', `${PROJECT}_default`, 'busybox', 'nslookup', 'legacy', '127.0.0.11']);
  assert.doesNotMatch(stranger.stdout, /Address: 172\./, 'another container does not see the link');
  const links = JSON.parse(await inspect(host, client, `{{json (index .NetworkSettings.Networks "${PROJECT}_default").Links}}`)) as string[];
  assert.ok(links.includes(`${web}:legacy`), `connect's links are shown: ${links.join(', ')}`);
  // Docker takes links on the default bridge's connect and does nothing with them; conet refuses.
  const body = JSON.stringify({ Container: web, EndpointConfig: { Links: [`${client}:c`] } });
  const refused = await host.api('POST', '/v1.41/networks/bridge/connect', body);
  assert.equal(refused.status, 400, refused.body);
  assert.match(refused.body, /EndpointConfig\.Links \(--link\)/);
  assert.equal(await inspect(host, web, '{{len .NetworkSettings.Networks}}'), '1', 'nothing connected');
}

test('docker-compose 1.29.2: links on the project network, oom_score_adj, shm_size, a relative bind mount', { timeout: 90_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-compose-'));
  try {
    await writeFile(join(dir, 'docker-compose.yml'), HABITS_FILE);
    await mkdir(join(dir, 'site'));
    await writeFile(join(dir, 'site', 'index.html'), 'served from the bind mount');
    await withHost(async (host) => {
      const project = { host, dir };
      await compose(project, ['up', '-d']);
      const [web, client] = [`${PROJECT}_web_1`, `${PROJECT}_client_1`];
      await until(host, web, '{{.State.Status}}', (value) => value === 'running');
      await linksAcrossConnect(project);
      assert.equal(await host.dockerOk(['exec', client, 'cat', '/proc/1/oom_score_adj']), '300');
      assert.equal(await inspect(host, client, '{{.HostConfig.OomScoreAdj}}'), '300');
      // docker-py sends only what the service sets; inspect still has every HostConfig key, as Docker's.
      assert.equal(await inspect(host, client, '{{.HostConfig.Ulimits}} {{.HostConfig.Privileged}} {{.HostConfig.OomKillDisable}}'), '[] false false');
      assert.equal(await host.dockerOk(['exec', web, 'sh', '-c', 'df -k /dev/shm | tail -1 | tr -s " " | cut -d" " -f2']), '16384');
      assert.equal(await inspect(host, web, '{{.HostConfig.ShmSize}}'), String(16 * 1024 * 1024));
      await compose(project, ['down']);
      assert.equal(await host.dockerOk(['ps', '-aq']), '');
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
