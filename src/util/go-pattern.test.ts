import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../errors/index.js';
import { compileGoPattern, MAX_PATTERN_COST, MAX_PATTERN_LENGTH, PatternSet, patternCost } from './go-pattern.js';

test('compileGoPattern takes RE2 syntax and refuses what Go refuses', () => {
  assert.ok(compileGoPattern('^br-[0-9a-f]+$')?.test('br-09af'));
  assert.ok(compileGoPattern('(?P<id>[0-9a-f]{12})')?.test('id 0123456789ab'));
  assert.ok(compileGoPattern('\\pL+')?.test('é'));
  assert.ok(!compileGoPattern('a.b')?.test('a\nb'), '. does not match a newline without (?s)');
  for (const bad of ['a(', '(a)\\1', 'a(?=b)', '(?<!a)b', 'a{1001}', '*a']) assert.equal(compileGoPattern(bad), undefined, bad);
});

test('patternCost bounds the program: repeats multiply, nesting included', () => {
  assert.equal(patternCost('bridge'), 6);
  assert.equal(patternCost('\\pL{1000}'), 1000);
  assert.equal(patternCost('[a-z]{10}'), 10);
  assert.equal(patternCost('(?:a{10}){10}'), patternCost('(?:a{10}){10}'));
  assert.ok(patternCost('(?:(?:a{30}){30})') >= 900);
  assert.ok(patternCost('\\pL{100}'.repeat(9)) >= 900);
  assert.ok(patternCost('[]a{]{5}') <= 10, 'a class holding ] and { is one atom');
  assert.ok(patternCost('\\p{Greek}{3}') === 3 && patternCost('\\x{263a}{4}') === 4);
});

test('patterns over the caps are not compiled: they match only themselves', () => {
  const big = '\\pL{1000}'.repeat(28);
  assert.ok(big.length <= MAX_PATTERN_LENGTH && patternCost(big) > MAX_PATTERN_COST);
  const started = performance.now();
  assert.equal(compileGoPattern(big), undefined);
  assert.equal(compileGoPattern('a'.repeat(MAX_PATTERN_LENGTH + 1)), undefined);
  assert.ok(performance.now() - started < 50);
  const set = new PatternSet('name', [big]);
  assert.ok(!set.matches('a'.repeat(64)));
  assert.ok(set.matches(big));
});

test('the values of one key share the program budget', () => {
  const part = `\\pL{${MAX_PATTERN_COST * 0.4}}`;
  const set = new PatternSet('name', [part, part, part, 'x']);
  assert.ok(set.matches('é'.repeat(MAX_PATTERN_COST * 0.4)));
  assert.ok(set.matches('x'), 'small patterns after the budget still compile');
  const over = new PatternSet('name', [`\\pL{${MAX_PATTERN_COST}}`, '^only$']);
  assert.ok(!over.matches('only'), 'the second pattern is over the budget: only an exact match');
});

test('a filter that takes too long over a long list is a 400, not a stall', () => {
  const set = new PatternSet('name', [`(\\pL|\\pN|_){${Math.floor(MAX_PATTERN_COST / 6)}}$`]);
  const names = Array.from({ length: 200_000 }, (_, index) => `${'é1_'.repeat(40)}${index}`);
  const started = performance.now();
  assert.throws(() => names.forEach((name) => set.matches(name)), (error: unknown) => error instanceof EngineError && error.kind === 'invalid' && /too long to match/.test(error.message));
  assert.ok(performance.now() - started < 1_000, `${Math.round(performance.now() - started)} ms`);
});
