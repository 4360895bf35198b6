import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fqdnMatches } from './fqdn-match.js';

test('"*.domain" matches one or more labels below the domain, not the domain; exact names exactly', () => {
  assert.equal(fqdnMatches('*.example.com', 'a.example.com'), true);
  assert.equal(fqdnMatches('*.example.com', 'a.b.Example.COM.'), true);
  assert.equal(fqdnMatches('*.example.com', 'example.com'), false);
  assert.equal(fqdnMatches('*.example.com', 'badexample.com'), false);
  assert.equal(fqdnMatches('api.example.com', 'API.example.com.'), true);
  assert.equal(fqdnMatches('api.example.com', 'x.api.example.com'), false);
});
