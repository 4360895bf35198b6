import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyChanges } from './changes.js';
import { emptyContainerConfig } from './config.js';

test('CMD and ENTRYPOINT: JSON form kept, shell form wrapped in /bin/sh -c', () => {
  const config = applyChanges(emptyContainerConfig(), ['CMD ["httpd","-f","-p","80","-h","/var/www"]', 'ENTRYPOINT echo hi there']);
  assert.deepEqual(config.Cmd, ['httpd', '-f', '-p', '80', '-h', '/var/www']);
  assert.deepEqual(config.Entrypoint, ['/bin/sh', '-c', 'echo hi there']);
  assert.deepEqual(applyChanges(emptyContainerConfig(), ['cmd [not json']).Cmd, ['/bin/sh', '-c', '[not json']);
});

test('EXPOSE accumulates and normalises protocols; bad ports are refused', () => {
  const config = applyChanges(emptyContainerConfig(), ['EXPOSE 80', 'EXPOSE 443 53/UDP']);
  assert.deepEqual(config.ExposedPorts, { '80/tcp': {}, '443/tcp': {}, '53/udp': {} });
  assert.throws(() => applyChanges(emptyContainerConfig(), ['EXPOSE 70000']), /invalid containerPort: 70000/);
});

test('ENV (both forms, later wins), LABEL, WORKDIR, USER; unknown instructions are refused', () => {
  const config = applyChanges(emptyContainerConfig(), ['ENV A=1 B="two words"', 'ENV C three four', 'ENV A=9', 'LABEL x=y "k 2"=v', 'WORKDIR /srv', 'USER nobody']);
  assert.deepEqual(config.Env, ['A=9', 'B=two words', 'C=three four']);
  assert.deepEqual(config.Labels, { x: 'y', 'k 2': 'v' });
  assert.equal(config.WorkingDir, '/srv');
  assert.equal(config.User, 'nobody');
  assert.throws(() => applyChanges(emptyContainerConfig(), ['RUN rm -rf /']), /RUN is not a valid change command/);
});

test('the base config is not modified', () => {
  const base = emptyContainerConfig();
  applyChanges(base, ['CMD ["sh"]', 'ENV A=1']);
  assert.deepEqual(base, emptyContainerConfig());
});

test('VOLUME: both forms accumulate absolute paths; relative or empty ones are refused', () => {
  const config = applyChanges(emptyContainerConfig(), ['VOLUME /data', 'VOLUME ["/logs", "/cache"]', 'volume /a /b']);
  assert.deepEqual(config.Volumes, { '/data': {}, '/logs': {}, '/cache': {}, '/a': {}, '/b': {} });
  assert.throws(() => applyChanges(emptyContainerConfig(), ['VOLUME data']), /VOLUME "data": the path must be absolute/);
  assert.throws(() => applyChanges(emptyContainerConfig(), ['VOLUME']), /VOLUME requires at least one absolute path/);
  assert.throws(() => applyChanges(emptyContainerConfig(), ['VOLUME [not json']), /VOLUME requires at least one absolute path/);
});
