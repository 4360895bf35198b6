/**
 * The commands users reach for (issue 12, item 6) with the real docker CLI: `docker top` (the
 * container's processes, from the host's ps), `docker container prune` (filters, what runs
 * stays), `docker system df` (counts and sizes), `docker export` (a tar of the root that imports
 * back) and `docker logs --since/--until/--timestamps`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/exec/index.js';
import { withHost } from '../helpers/host.js';

test('docker top: the container processes with their host pids; ps options; a stopped container is refused', async () => {
  await withHost(async (host) => {
    await host.dockerOk(['run', '-d', '--name', 'top1', 'busybox', 'sh', '-c', 'sleep 600 & exec sleep 700']);
    const pid = await host.dockerOk(['inspect', '-f', '{{.State.Pid}}', 'top1']);
    const lines = (await host.dockerOk(['top', 'top1'])).split('\n');
    assert.match(lines[0] ?? '', /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/);
    const rows = lines.slice(1).map((line) => line.trim().split(/\s+/));
    assert.deepEqual(rows.map((row) => row.slice(7).join(' ')).sort(), ['sleep 600', 'sleep 700']);
    assert.ok(rows.some((row) => row[1] === pid), `pid 1 of the container is host pid ${pid}`);
    const custom = (await host.dockerOk(['top', 'top1', '-o', 'pid,comm'])).split('\n');
    assert.match(custom[0] ?? '', /^PID\s+COMMAND$/);
    assert.equal(custom.length, 3, custom.join('\n'));
    const refused = await host.docker(['top', 'top1', '-o', 'user=PID']);
    assert.notEqual(refused.code, 0);
    await host.dockerOk(['stop', '-t', '0', 'top1']);
    const stopped = await host.docker(['top', 'top1']);
    assert.notEqual(stopped.code, 0);
    assert.match(stopped.stderr, /is not running/);
  });
});

test('docker container prune: stopped containers matching the filters go, running ones stay', async () => {
  await withHost(async (host) => {
    const keep = await host.dockerOk(['create', '--name', 'pr-keep', '--label', 'keep=1', 'busybox', 'true']);
    const gone = await host.dockerOk(['run', '--name', 'pr-gone', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/blob bs=1024 count=256 2>/dev/null']);
    assert.equal(gone, '');
    const goneId = await host.dockerOk(['inspect', '-f', '{{.Id}}', 'pr-gone']);
    await host.dockerOk(['run', '-d', '--name', 'pr-run', 'busybox', 'sleep', '600']);
    const recent = await host.dockerOk(['container', 'prune', '-f', '--filter', 'until=1h']);
    assert.match(recent, /Total reclaimed space: 0B/, 'nothing was created over an hour ago');
    const first = await host.dockerOk(['container', 'prune', '-f', '--filter', 'label!=keep']);
    assert.match(first, new RegExp(`Deleted Containers:\\n${goneId}\\n`));
    assert.match(first, /Total reclaimed space: 26\d(\.\d)?kB/, 'the 256 KiB written in the container layer');
    const left = (await host.dockerOk(['ps', '-a', '--format', '{{.Names}}'])).split('\n').sort();
    assert.deepEqual(left, ['pr-keep', 'pr-run']);
    const second = await host.dockerOk(['container', 'prune', '-f']);
    assert.match(second, new RegExp(keep));
    assert.deepEqual((await host.dockerOk(['ps', '-a', '--format', '{{.Names}}'])).split('\n'), ['pr-run']);
  });
});

test('docker system df: images, containers (active, writable size), volumes and an empty build cache', async () => {
  await withHost(async (host) => {
    await host.dockerOk(['run', '-d', '--name', 'df1', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/blob bs=1024 count=512 2>/dev/null; sleep 600']);
    await host.dockerOk(['create', '--name', 'df2', 'busybox', 'true']);
    await host.dockerOk(['volume', 'create', 'dfvol']);
    const rows = (await host.dockerOk(['system', 'df', '--format', '{{json .}}'])).split('\n').map((line) => JSON.parse(line) as Record<string, string>);
    const byType = Object.fromEntries(rows.map((row) => [row['Type'], row]));
    const images = (await host.dockerOk(['images', '-q'])).split('\n').length;
    assert.deepEqual([byType['Images']?.['TotalCount'], byType['Images']?.['Active']], [String(images), '1']);
    assert.deepEqual([byType['Containers']?.['TotalCount'], byType['Containers']?.['Active']], ['2', '1']);
    assert.equal(byType['Build Cache']?.['TotalCount'], '0');
    assert.equal(byType['Local Volumes']?.['TotalCount'], '1');
    for (let tries = 0; tries < 50; tries += 1) {
      if ((await host.docker(['exec', 'df1', 'test', '-s', '/blob'])).code === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const raw = await host.api('GET', '/v1.41/system/df');
    const usage = JSON.parse(raw.body) as { Containers: Array<{ Names: string[]; SizeRw: number; SizeRootFs: number }>; Images: Array<{ Size: number }>; LayersSize: number };
    const df1 = usage.Containers.find((container) => container.Names[0] === '/df1');
    assert.ok(df1 && df1.SizeRw >= 512 * 1024, `the writable layer holds the 512 KiB blob: ${df1?.SizeRw}`);
    assert.ok(df1 && df1.SizeRootFs > df1.SizeRw);
    assert.equal(usage.LayersSize, usage.Images.reduce((total, image) => total + image.Size, 0));
    const volumes = (JSON.parse(raw.body) as { Volumes: Array<{ Name: string; UsageData: { Size: number; RefCount: number } }> }).Volumes;
    assert.deepEqual(volumes.map((volume) => [volume.Name, volume.UsageData.RefCount]), [['dfvol', 0]]);
    const verbose = await host.dockerOk(['system', 'df', '-v']);
    assert.match(verbose, /df1/);
    assert.equal((await host.api('GET', '/v1.44/system/df?type=bogus')).status, 400);
  });
});

test('docker export: a tar of the container root, streamed, that lists with tar t and imports back', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'conet-export-'));
  try {
    await withHost(async (host) => {
      await host.dockerOk(['run', '--name', 'ex1', 'busybox', 'sh', '-c', 'mkdir -p /data && echo exported > /data/marker']);
      const file = join(dir, 'ex1.tar');
      await host.dockerOk(['export', '-o', file, 'ex1']);
      const members = (await run(['tar', '-tf', file])).stdout.split('\n').map((line) => line.replace(/^\.\//, ''));
      assert.ok(members.includes('data/marker'), members.slice(0, 20).join(' '));
      assert.ok(members.includes('bin/busybox') || members.includes('bin/sh'));
      await host.dockerOk(['import', file, 'exported:1']);
      assert.equal(await host.dockerOk(['run', '--rm', 'exported:1', 'cat', '/data/marker']), 'exported');
      assert.notEqual((await host.docker(['export', '-o', join(dir, 'none.tar'), 'nosuch'])).code, 0);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('docker logs --timestamps, --since and --until select by the time each line was written', async () => {
  await withHost(async (host) => {
    await host.dockerOk(['run', '--name', 'lg1', 'busybox', 'sh', '-c', 'echo one; sleep 2; echo two']);
    const stamped = (await host.dockerOk(['logs', '--timestamps', 'lg1'])).split('\n');
    assert.equal(stamped.length, 2);
    const [first, second] = stamped.map((line) => /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{1,9}Z) (.*)$/.exec(line));
    assert.deepEqual([first?.[2], second?.[2]], ['one', 'two'], stamped.join('\n'));
    const between = new Date((Date.parse(first?.[1] ?? '') + Date.parse(second?.[1] ?? '')) / 2).toISOString();
    assert.equal(await host.dockerOk(['logs', '--since', between, 'lg1']), 'two');
    assert.equal(await host.dockerOk(['logs', '--until', between, 'lg1']), 'one');
    assert.equal(await host.dockerOk(['logs', '--since', second?.[1] ?? '', 'lg1']), 'two', 'since is inclusive');
  });
});
