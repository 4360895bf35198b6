/** absentInLayers: when a volume's copy-up can skip mounting the root (no root needed). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { absentInLayers } from './volume-copy.js';

test('absentInLayers: sure only when no layer has the path nor anything but directories on the way', async () => {
  const base = await mkdtemp(join(tmpdir(), 'conet-layers-'));
  try {
    const [lower, upper] = [join(base, 'lower'), join(base, 'upper')];
    await mkdir(join(lower, 'var', 'lib'), { recursive: true });
    await mkdir(upper, { recursive: true });
    assert.equal(await absentInLayers([lower, upper], '/vol'), true, 'in no layer');
    assert.equal(await absentInLayers([lower, upper], '/var/lib/data'), true, 'parents are plain directories');
    assert.equal(await absentInLayers([lower, upper], '/var/lib'), false, 'the path is there: maybe content');
    await mkdir(join(upper, 'srv'));
    assert.equal(await absentInLayers([lower, upper], '/srv'), false, 'in the upper layer');
    await symlink('/etc', join(lower, 'link'));
    assert.equal(await absentInLayers([lower, upper], '/link/data'), false, 'a symlink on the way: mount and look');
    await writeFile(join(lower, 'file'), 'x');
    assert.equal(await absentInLayers([lower, upper], '/file/data'), false, 'a file on the way');
    assert.equal(await absentInLayers([lower, upper], '/'), false, 'the root itself');
    assert.equal(await absentInLayers([lower, upper], '/a/../var/lib'), false, 'dot-dot: not judged');
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
