import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerTimestamp, timestampNanos } from './timestamp.js';

test('timestamps become UTC with nanoseconds, as docker logs -t prints them', () => {
  assert.equal(dockerTimestamp('2024-05-01T10:00:00.123456789+00:00'), '2024-05-01T10:00:00.123456789Z');
  assert.equal(dockerTimestamp('2024-05-01T12:00:00.5+02:00'), '2024-05-01T10:00:00.500000000Z');
  assert.equal(dockerTimestamp('2024-05-01T10:00:00Z'), '2024-05-01T10:00:00.000000000Z');
});

test('timestampNanos keeps every digit (a --since of a line\'s own stamp includes it)', () => {
  assert.equal(timestampNanos('2024-05-01T10:00:00.123456789+00:00'), 1714557600123456789n);
  assert.equal(timestampNanos('2024-05-01T12:00:00.5+02:00'), 1714557600500000000n);
  assert.equal(timestampNanos('garbage'), undefined);
});
