import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalName, matchesAny, matchesPattern } from './fqdn-match.js';

test('exact names match case-insensitively, with or without the trailing dot', () => {
  assert.equal(matchesPattern('Allowed.TEST', 'allowed.test'), true);
  assert.equal(matchesPattern('allowed.test.', 'ALLOWED.test'), true);
  assert.equal(matchesPattern('allowed.test', 'allowed.test.'), true);
  assert.equal(matchesPattern('x.allowed.test', 'allowed.test'), false);
  assert.equal(matchesPattern('allowed.tes', 'allowed.test'), false);
  assert.equal(matchesPattern('notallowed.test', 'allowed.test'), false);
});

test('*.domain matches one or more labels below the domain, never the domain itself', () => {
  assert.equal(matchesPattern('api.example.com', '*.example.com'), true);
  assert.equal(matchesPattern('a.b.example.com', '*.example.com'), true);
  assert.equal(matchesPattern('API.Example.COM.', '*.example.com'), true);
  assert.equal(matchesPattern('example.com', '*.example.com'), false);
  assert.equal(matchesPattern('badexample.com', '*.example.com'), false);
  assert.equal(matchesPattern('.example.com', '*.example.com'), false);
  assert.equal(matchesPattern('a..example.com', '*.example.com'), false);
  assert.equal(matchesPattern('example.com.evil', '*.example.com'), false);
});

test('empty names and patterns match nothing', () => {
  assert.equal(matchesPattern('', ''), false);
  assert.equal(matchesPattern('.', 'x'), false);
  assert.equal(matchesAny('a.test', []), false);
  assert.equal(matchesAny('a.test', ['b.test', 'A.test']), true);
  assert.equal(canonicalName('A.B.'), 'a.b');
});

const label = fc.stringMatching(/^[a-z0-9-]{1,10}$/);
const domain = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));

test('property: a name below a domain matches its wildcard; the domain and siblings do not', () => {
  fc.assert(
    fc.property(domain, fc.array(label, { minLength: 1, maxLength: 3 }), label, (base, prefix, other) => {
      const below = `${prefix.join('.')}.${base}`;
      assert.equal(matchesPattern(below, `*.${base}`), true);
      assert.equal(matchesPattern(below.toUpperCase(), `*.${base}`), true);
      assert.equal(matchesPattern(base, `*.${base}`), false);
      assert.equal(matchesPattern(`${other}${base}`, `*.${base}`), false);
    }),
  );
});
