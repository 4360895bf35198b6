/**
 * Streaming endpoints through the real docker CLI: `docker run` attached (output, exit codes,
 * stderr, stdin with -i), `docker logs` (--tail, -t, -f ending with the container), `docker exec`
 * (output, exit codes, stdin, user, workdir, env, detached, errors) and TTYs (`-t`, and `-it`
 * under `script`, which gives the CLI the terminal it insists on).
 */
import { Readable } from 'node:stream';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { run } from '../../src/exec/index.js';
import { shellQuote } from '../../src/runtime/containers/exec-process.js';
import { DOCKER_BIN, withHost, type TestHost } from '../helpers/host.js';

/** Nothing of this host's containers may survive: no mounts, no conmon. */
async function assertClean(host: TestHost): Promise<void> {
  const mounts = await readFile('/proc/mounts', 'utf8');
  assert.equal(mounts.split('\n').filter((line) => line.includes(host.dir)).length, 0, 'mounts left behind');
  const conmons = await run(['pgrep', '-f', `conmon.*${host.dir}`], { allowFailure: true });
  assert.equal(conmons.stdout.trim(), '', 'conmon left behind');
}

/**
 * Typed input arriving after `ms`: the terminal is still in cooked mode before the CLI switches it
 * to raw, and would eat control characters such as ctrl-q (XON) typed too early.
 */
function typedLater(text: string, ms = 1_500): Readable {
  const stream = new Readable({ read() {} });
  setTimeout(() => {
    stream.push(Buffer.from(text, 'latin1'));
  }, ms).unref();
  return stream;
}

/** The docker CLI with a terminal on its stdin/stdout, as a user's shell would give it. */
function dockerInTerminal(host: TestHost, args: string[], input: string | Readable, setup = '') {
  const command = setup + [DOCKER_BIN, ...args].map(shellQuote).join(' ');
  return run(['script', '-q', '-e', '-c', command, '/dev/null'], { allowFailure: true, timeoutMs: 30_000, env: host.dockerEnv, input });
}

test('docker run attached: output, exit code, stderr apart, stdin with -i, --rm leaves nothing', async () => {
  await withHost(async (host) => {
    const echo = await host.docker(['run', '--rm', 'busybox', 'echo', 'hi']);
    assert.deepEqual([echo.code, echo.stdout, echo.stderr], [0, 'hi\n', '']);

    const mixed = await host.docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.deepEqual([mixed.code, mixed.stdout, mixed.stderr], [3, 'out\n', 'err\n']);

    const addresses = await host.dockerOk(['run', '--rm', 'busybox', 'ip', 'addr']);
    assert.match(addresses, /^1: lo: <LOOPBACK,UP,LOWER_UP>/);
    assert.match(addresses, /inet 172\.17\.0\.\d+\/16/);

    // Output without a trailing newline and larger than one log record comes back byte for byte.
    const big = await host.docker(['run', '--rm', 'busybox', 'sh', '-c', 'head -c 100000 /dev/zero | tr "\\0" x; printf end']);
    assert.equal(big.stdout, `${'x'.repeat(100000)}end`);

    const read = await host.docker(['run', '--rm', '-i', 'busybox', 'sh', '-c', 'read x; echo got $x'], { input: 'hello\n' });
    assert.deepEqual([read.code, read.stdout], [0, 'got hello\n']);
    // stdin closes when the client's input ends (StdinOnce), so `wc` sees EOF and finishes.
    const count = await host.docker(['run', '--rm', '-i', 'busybox', 'wc', '-l'], { input: 'a\nb\nc\n' });
    assert.deepEqual([count.code, count.stdout.trim()], [0, '3']);

    // Named, not removed: it exits, its output stays readable with docker logs.
    const named = await host.docker(['run', '--name', 'kept', 'busybox', 'echo', 'kept output']);
    assert.equal(named.stdout, 'kept output\n');
    assert.equal(await host.dockerOk(['logs', 'kept']), 'kept output');
    // start -a attaches to a stopped container: only the new run's output, not the old one's.
    const again = await host.docker(['start', '-a', 'kept']);
    assert.deepEqual([again.code, again.stdout], [0, 'kept output\n']);
    await host.dockerOk(['rm', 'kept']);

    assert.equal(await host.dockerOk(['ps', '-aq']), '');
    await assertClean(host);
  });
});

test('docker logs: both streams, --tail, -t, -f ends when the container exits', async () => {
  await withHost(async (host) => {
    await host.dockerOk(['run', '-d', '--name', 'talker', 'busybox', 'sh', '-c', 'for i in 1 2 3; do echo out$i; echo err$i >&2; done; sleep 1; echo late']);
    const first = await host.docker(['logs', '-f', 'talker'], { timeoutMs: 15_000 });
    assert.equal(first.code, 0);
    assert.equal(first.stdout, 'out1\nout2\nout3\nlate\n');
    assert.equal(first.stderr, 'err1\nerr2\nerr3\n');

    const tail = await host.docker(['logs', '--tail', '2', 'talker']);
    assert.deepEqual([tail.stdout, tail.stderr], ['late\n', 'err3\n']);
    const none = await host.docker(['logs', '--tail', '0', 'talker']);
    assert.deepEqual([none.stdout, none.stderr], ['', '']);

    const stamped = await host.dockerOk(['logs', '-t', '--tail', '1', 'talker']);
    assert.match(stamped, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z late$/);

    // A second run appends: logs show both runs, as Docker's do.
    await host.dockerOk(['start', 'talker']);
    await host.dockerOk(['wait', 'talker']);
    const both = await host.dockerOk(['logs', 'talker']);
    assert.equal(both.split('\n').filter((line) => line === 'late').length, 2);

    // A log bigger than the socket buffers arrives whole and in order (backpressure, not loss).
    await host.dockerOk(['run', '--name', 'counter', 'busybox', 'seq', '1', '200000']);
    const counted = (await host.dockerOk(['logs', 'counter'])).split('\n');
    assert.deepEqual([counted.length, counted[0], counted[199999]], [200000, '1', '200000']);
    await host.dockerOk(['rm', 'talker', 'counter']);
    const missing = await host.docker(['logs', 'talker']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /No such container: talker/);
    await assertClean(host);
  });
});

test('docker exec: output, exit codes, stdin, user, workdir, env, detached, errors', async () => {
  await withHost(async (host) => {
    await host.dockerOk(['run', '-d', '--name', 'box', 'busybox', 'sleep', '1000']);
    const mixed = await host.docker(['exec', 'box', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    assert.deepEqual([mixed.code, mixed.stdout, mixed.stderr], [7, 'out\n', 'err\n']);
    assert.match(await host.dockerOk(['exec', 'box', 'ip', 'addr']), /^1: lo: /);

    const read = await host.docker(['exec', '-i', 'box', 'sh', '-c', 'read x; echo got $x'], { input: 'piped\n' });
    assert.deepEqual([read.code, read.stdout], [0, 'got piped\n']);

    assert.match(await host.dockerOk(['exec', '-u', 'nobody', 'box', 'id']), /^uid=65534 gid=65534/);
    assert.match(await host.dockerOk(['exec', '-u', '1234:5', 'box', 'id']), /^uid=1234 gid=5/);
    const badUser = await host.docker(['exec', '-u', 'bogus', 'box', 'id']);
    assert.equal(badUser.code, 126);
    assert.match(badUser.stdout + badUser.stderr, /unable to find user bogus/);
    const missing = await host.docker(['exec', 'box', 'no-such-command']);
    assert.equal(missing.code, 126);
    assert.match(missing.stderr, /no-such-command/);

    assert.equal(await host.dockerOk(['exec', '-w', '/etc', '-e', 'FOO=bar', 'box', 'sh', '-c', 'echo $(pwd) $FOO $PATH']), '/etc bar /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    await host.dockerOk(['exec', '-d', 'box', 'sh', '-c', 'echo detached > /tmp/mark']);
    let mark = '';
    for (let attempt = 0; attempt < 50 && mark !== 'detached'; attempt++) mark = (await host.docker(['exec', 'box', 'cat', '/tmp/mark'])).stdout.trim();
    assert.equal(mark, 'detached');

    // The exec record, as the CLI reads it for the exit code.
    const created = await host.api('POST', '/v1.41/containers/box/exec', JSON.stringify({ Cmd: ['sh', '-c', 'exit 5'], AttachStdout: true }));
    assert.equal(created.status, 201);
    const execId = (JSON.parse(created.body) as { Id: string }).Id;
    const before = JSON.parse((await host.api('GET', `/v1.41/exec/${execId}/json`)).body) as Record<string, unknown>;
    assert.deepEqual([before['Running'], before['ExitCode'], before['ProcessConfig']], [false, null, { tty: false, entrypoint: 'sh', arguments: ['-c', 'exit 5'], privileged: false }]);
    assert.equal((await host.api('POST', `/v1.41/exec/${execId}/start`, '{"Detach":false,"Tty":false}')).status, 200);
    const after = JSON.parse((await host.api('GET', `/v1.41/exec/${execId}/json`)).body) as Record<string, unknown>;
    assert.deepEqual([after['Running'], after['ExitCode'], after['ContainerID']], [false, 5, await host.dockerOk(['inspect', '-f', '{{.Id}}', 'box'])]);
    assert.ok(Number(after['Pid']) > 0);
    assert.equal((await host.api('GET', '/v1.41/exec/0123456789ab/json')).status, 404);

    await host.dockerOk(['stop', '-t', '1', 'box']);
    const stopped = await host.docker(['exec', 'box', 'echo', 'hi']);
    assert.equal(stopped.code, 1);
    assert.match(stopped.stderr, /Error response from daemon: Container [0-9a-f]{64} is not running/);
    await host.dockerOk(['rm', 'box']);
    await assertClean(host);
  });
});

test('TTY: run -t and exec -t get a terminal, -it works interactively, docker attach forwards stdin', async () => {
  await withHost(async (host) => {
    const tty = await host.docker(['run', '--rm', '-t', 'busybox', 'tty']);
    assert.deepEqual([tty.code, tty.stdout], [0, '/dev/pts/0\r\n']);
    const plain = await host.docker(['run', '--rm', 'busybox', 'tty']);
    assert.equal(plain.stdout, 'not a tty\n');

    const interactive = await dockerInTerminal(host, ['run', '--rm', '-it', 'busybox', 'sh', '-c', 'read x; echo "got $x"; stty size; exit 4'], 'typed\n');
    assert.equal(interactive.code, 4);
    assert.match(interactive.stdout, /got typed\r\n/);

    // The CLI sends its terminal's size (resize); the container's pty takes it (0 0 until then).
    const waitSize = 'for i in $(seq 150); do [ "$(stty size 2>/dev/null)" = "40 100" ] && break; sleep 0.1; done; stty size';
    // Stdin stays open, as a user's terminal: an immediate EOF would end the container's stdin
    // (StdinOnce) and hang its terminal up while the loop still waits.
    const sized = await dockerInTerminal(host, ['run', '--rm', '-it', 'busybox', 'sh', '-c', waitSize], typedLater('', 0), 'stty rows 40 cols 100; ');
    assert.match(sized.stdout, /^\W*40 100\r\n/);

    await host.dockerOk(['run', '-d', '--name', 'term', '-t', 'busybox', 'sleep', '1000']);
    const execSized = await dockerInTerminal(host, ['exec', '-it', 'term', 'sh', '-c', waitSize], typedLater('', 0), 'stty rows 40 cols 100; ');
    assert.match(execSized.stdout, /^\W*40 100\r\n/);
    const execTty = await host.docker(['exec', '-t', 'term', 'sh', '-c', 'tty; exit 2']);
    assert.deepEqual([execTty.code, execTty.stdout], [2, '/dev/pts/1\r\n']);
    const execIt = await dockerInTerminal(host, ['exec', '-it', 'term', 'sh', '-c', 'read x; echo "exec got $x"'], 'line\n');
    assert.equal(execIt.code, 0);
    assert.match(execIt.stdout, /exec got line\r\n/);

    // docker attach to a running container: stdin reaches it, the stream ends when it exits.
    await host.dockerOk(['run', '-d', '-i', '--name', 'listener', 'busybox', 'sh', '-c', 'read x; echo "heard $x"']);
    const attached = await host.docker(['attach', 'listener'], { input: 'knock\n', timeoutMs: 20_000 });
    assert.deepEqual([attached.code, attached.stdout], [0, 'heard knock\n']);

    await host.dockerOk(['rm', '-f', 'term', 'listener']);
    await assertClean(host);
  });
});

test('detach keys: ctrl-p ctrl-q (or --detach-keys) leaves a TTY attach or exec -it and the container running; stdin stays open for the next attach', async () => {
  await withHost(async (host) => {
    await host.dockerOk(['run', '-d', '-it', '--name', 'det', 'busybox', 'sh']);
    const first = await dockerInTerminal(host, ['attach', 'det'], typedLater('echo one > /tmp/mark\n\x10\x11'));
    assert.notEqual(first.stderr, 'timeout', 'the attach ended by itself');
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.State.Running}}', 'det']), 'true');
    assert.equal(await host.dockerOk(['exec', 'det', 'cat', '/tmp/mark']), 'one');
    // Another sequence, given to the CLI; the shell is still there to read what comes next.
    const second = await dockerInTerminal(host, ['attach', '--detach-keys', 'ctrl-a,x', 'det'], typedLater('echo two >> /tmp/mark\n\x01x'));
    assert.equal(await host.dockerOk(['inspect', '-f', '{{.State.Running}}', 'det']), 'true', second.stdout);
    assert.equal(await host.dockerOk(['exec', 'det', 'cat', '/tmp/mark']), 'one\ntwo');
    // exec -it: the detached process goes on (its output drained), the CLI returns.
    const execDetach = await dockerInTerminal(host, ['exec', '-it', 'det', 'sh'], typedLater('sleep 777\n\x10\x11', 2_000));
    assert.match(execDetach.stdout, /read escape sequence/, 'the CLI detached');
    assert.match(await host.dockerOk(['exec', 'det', 'ps']), /sleep 777/);
    const bad = await dockerInTerminal(host, ['attach', '--detach-keys', 'ctrl-', 'det'], '');
    assert.match(bad.stdout + bad.stderr, /received 400/, 'bad keys are refused (400) before the upgrade');
    await host.dockerOk(['rm', '-f', 'det']);
    await assertClean(host);
  });
});
