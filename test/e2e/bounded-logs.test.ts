/**
 * Issue 10 item 11, bounded logs, through the real docker CLI: `--log-opt max-size/max-file`
 * rotate (the daemon renames, conmon reopens), `docker logs` reads across the rotated files in
 * order, inspect's LogPath names the real live file, `logs --tail 1` of a 50 MB log answers from
 * the end (fast, without the daemon's memory growing by the log's size), and log options conet
 * can't honour are refused with a 400 naming them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { delay, withHost, type TestHost } from '../helpers/host.js';

/** VmRSS of a process in kB. */
async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

/** Polls until `docker logs --tail 1` shows the marker (the writer is done and conmon has written it). */
async function waitForLastLine(host: TestHost, id: string, marker: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await host.docker(['logs', '--tail', '1', id])).stdout.includes(marker)) return;
    await delay(300);
  }
  throw new Error(`the log of ${id} never ended with ${marker}`);
}

/** Polls the file itself (not the daemon: its memory is measured after) until it ends with the marker. */
async function waitForFileEnd(path: string, marker: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const tail = Buffer.alloc(Math.min(size, 256));
      await handle.read(tail, 0, tail.length, size - tail.length);
      if (tail.toString().includes(marker)) return;
    } finally {
      await handle.close();
    }
    await delay(300);
  }
  throw new Error(`${path} never ended with ${marker}`);
}

async function logFiles(logPath: string): Promise<Array<{ name: string; size: number }>> {
  const names = (await readdir(dirname(logPath))).filter((name) => name.startsWith(basename(logPath))).sort();
  return Promise.all(names.map(async (name) => ({ name, size: (await stat(join(dirname(logPath), name))).size })));
}

test('--log-opt max-size/max-file rotate; docker logs reads across the rotated files in order; LogPath is the live file', async () => {
  await withHost(async (host) => {
    // 30 bursts of 400 lines (~35 kB each, below max-size), a pause between: the rotator checks
    // every 100 ms, so no burst can reach conmon's own (truncating) cap at twice max-size.
    const script = 'i=0; while [ $i -lt 12000 ]; do echo "line-$i-padpadpadpad"; i=$((i+1)); [ $((i % 400)) -eq 0 ] && usleep 300000; done; echo DONE; sleep 1000';
    const id = await host.dockerOk(['run', '-d', '--log-opt', 'max-size=100k', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c', script]);
    await waitForLastLine(host, id, 'DONE');
    const inspect = JSON.parse(await host.dockerOk(['inspect', id])) as Array<{ LogPath: string; HostConfig: { LogConfig: unknown } }>;
    const { LogPath: logPath, HostConfig: { LogConfig: logConfig } } = inspect[0]!;
    assert.deepEqual(logConfig, { Type: 'json-file', Config: { 'max-size': '100k', 'max-file': '3' } });
    assert.ok((await stat(logPath)).isFile(), `LogPath ${logPath} exists`);
    const files = await logFiles(logPath);
    assert.deepEqual(files.map((file) => file.name), ['container.log', 'container.log.1', 'container.log.2'], 'rotated, at most max-file files');
    for (const file of files) assert.ok(file.size <= 2 * 100 * 1024, `${file.name} is ${file.size} bytes`);
    const lines = (await host.dockerOk(['logs', id])).split('\n');
    assert.equal(lines.at(-1), 'DONE');
    const numbers = lines.slice(0, -1).map((line) => Number(/^line-(\d+)-padpadpadpad$/.exec(line)?.[1]));
    assert.ok(numbers.length > 1000, `logs across files: ${numbers.length} lines`);
    assert.ok(numbers.length < 12000, 'the oldest files were deleted');
    numbers.forEach((number, index) => assert.equal(number, (numbers[0] ?? 0) + index, `line ${index} in order, none missing`));
    assert.equal(numbers.at(-1), 11999);
  });
});

test('logs --tail 1 of a 50 MB log answers from the end: < 2 s, daemon RSS grows < 20 MB', async () => {
  await withHost(async (host) => {
    // 50,000 lines of 1000 bytes, then the marker.
    const script = 'yes "$(head -c 999 /dev/zero | tr "\\0" x)" | head -n 50000; echo THE-LAST-LINE; sleep 1000';
    const id = await host.dockerOk(['run', '-d', '--log-opt', 'max-size=200m', 'busybox', 'sh', '-c', script]);
    const logPath = await host.dockerOk(['inspect', '-f', '{{.LogPath}}', id]);
    await waitForFileEnd(logPath, 'THE-LAST-LINE', 180_000);
    const size = (await stat(logPath)).size;
    assert.ok(size > 50_000_000, `the log is ${size} bytes`);
    const pid = host.daemonPid!;
    const before = await rssKb(pid);
    const started = performance.now();
    const tail = await host.dockerOk(['logs', '--tail', '1', id]);
    const ms = performance.now() - started;
    const after = await rssKb(pid);
    assert.equal(tail, 'THE-LAST-LINE');
    console.log(`# --tail 1 of ${(size / 1e6).toFixed(1)} MB: ${ms.toFixed(0)} ms, daemon RSS ${before} -> ${after} kB`);
    assert.ok(ms < 2_000, `--tail 1 took ${ms.toFixed(0)} ms`);
    assert.ok(after - before < 20 * 1024, `RSS grew ${after - before} kB`);
    const three = (await host.dockerOk(['logs', '--tail', '3', id])).split('\n');
    assert.deepEqual(three.map((line) => line.length), [999, 999, 'THE-LAST-LINE'.length]);
  });
});

test('log options conet cannot honour get a 400 naming them, and nothing is created', async () => {
  await withHost(async (host) => {
    const cases: Array<[string[], RegExp]> = [
      [['--log-opt', 'compress=true'], /unknown log opt "compress"/],
      [['--log-opt', 'max-file=0'], /max-file cannot be less than 1/],
      [['--log-opt', 'max-size=ten'], /max-size/],
      [['--log-driver', 'syslog'], /log driver "syslog" is not supported/],
    ];
    const results = await Promise.all(cases.map(([options]) => host.docker(['create', ...options, 'busybox', 'true'])));
    results.forEach((result, index) => {
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /Error response from daemon/);
      assert.match(result.stderr, cases[index]![1]);
    });
    const bad = await host.api('POST', '/containers/create', JSON.stringify({ Image: 'busybox', HostConfig: { LogConfig: { Type: 'json-file', Config: { tag: '{{.Name}}' } } } }));
    assert.equal(bad.status, 400);
    assert.match(bad.body, /"message":"unknown log opt \\"tag\\"/);
    assert.equal(await host.dockerOk(['ps', '-aq']), '', 'no container was created');
  });
});
