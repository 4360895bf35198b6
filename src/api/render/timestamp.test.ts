import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerTimestamp } from './timestamp.js';

test('timestamps become UTC with nanoseconds, as docker logs -t prints them', () => {
  assert.equal(dockerTimestamp('2024-05-01T10:00:00.123456789+00:00'), '2024-05-01T10:00:00.123456789Z');
  assert.equal(dockerTimestamp('2024-05-01T12:00:00.5+02:00'), '2024-05-01T10:00:00.500000000Z');
  assert.equal(dockerTimestamp('2024-05-01T10:00:00Z'), '2024-05-01T10:00:00.000000000Z');
});
