/**
 * Regular expressions from requests (the `name` and `id` filters), with Go's regexp syntax and
 * semantics as Docker runs them, on RE2's linear-time engine (re2js): no input can make a match
 * backtrack, so no filter can stall the event loop that also serves the API and the embedded DNS.
 * Linear time is linear in the compiled program too, and `\pL{1000}` repeated fills a 256-byte
 * pattern with 28 000 instructions (half a second to compile and first run): the program size
 * of a request's patterns is bounded before they are compiled, and the time spent matching them
 * over a long list is bounded too.
 */
import { RE2JS } from 're2js';
import { invalid } from '../errors/index.js';

/** The longest pattern compiled; a longer one is taken as a literal name only. */
export const MAX_PATTERN_LENGTH = 256;
/** Upper bound on the program of a filter's patterns together (items, repeats multiplied out). */
export const MAX_PATTERN_COST = 500;
/** Matching time one filter may take over a whole list before the request is refused. */
export const MAX_MATCH_MS = 50;

export interface GoPattern {
  /** Go's regexp.MatchString: an unanchored search. */
  test(source: string): boolean;
}

/**
 * The compiled search, or undefined where Go's regexp.Compile fails (RE2 syntax: no look-around,
 * no back-references) or the pattern is over the caps above.
 */
export function compileGoPattern(pattern: string): GoPattern | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH || patternCost(pattern) > MAX_PATTERN_COST) return undefined;
  try {
    const compiled = RE2JS.compile(pattern);
    return { test: (source) => compiled.test(source) };
  } catch {
    // Not valid RE2 syntax: Docker's filters.Match skips such a pattern too.
    return undefined;
  }
}

/**
 * The values of one filter key (`name=a`, `name=b`), compiled once for a whole list under one
 * program-size budget: Go's filters.Match against each source.
 */
export class PatternSet {
  private readonly patterns: ReadonlyArray<GoPattern | undefined>;
  private spentMs = 0;

  constructor(private readonly key: string, private readonly values: readonly string[]) {
    let budget = MAX_PATTERN_COST;
    this.patterns = values.map((value) => {
      const cost = patternCost(value);
      if (cost > budget) return undefined;
      budget -= cost;
      return compileGoPattern(value);
    });
  }

  /** A value equal to source, or any pattern found in it; a value that didn't compile only the former. */
  matches(source: string): boolean {
    if (this.values.includes(source)) return true;
    if (this.spentMs > MAX_MATCH_MS) {
      throw invalid('filters', `invalid filter '${this.key}': the pattern takes too long to match; use a simpler one`);
    }
    const started = performance.now();
    const found = this.patterns.some((pattern) => pattern?.test(source) ?? false);
    this.spentMs += performance.now() - started;
    return found;
  }
}

interface Frame {
  total: number;
  last: number;
}

/**
 * An upper bound on the size of the program a pattern compiles to, read from its text: every
 * atom (a character, an escape, a class) counts 1, a group the sum of its contents, `*+?` add 2,
 * and `{n,m}` multiplies what it repeats by its largest count, nesting included.
 */
export function patternCost(pattern: string): number {
  const stack: Frame[] = [{ total: 0, last: 0 }];
  const top = (): Frame => stack[stack.length - 1] as Frame;
  const atom = (size: number): void => {
    top().total += size;
    top().last = size;
  };
  for (let at = 0; at < pattern.length; at++) {
    const char = pattern[at];
    if (char === '\\') at = skipEscape(pattern, at);
    else if (char === '[') at = skipClass(pattern, at);
    else if (char === '(') {
      stack.push({ total: 0, last: 0 });
      continue;
    } else if (char === ')' && stack.length > 1) {
      const group = stack.pop() as Frame;
      atom(group.total + 1);
      continue;
    } else if (char === '*' || char === '+' || char === '?') {
      top().total += 2;
      continue;
    } else if (char === '{') {
      const repeat = /^\{(\d+)(?:,(\d*))?\}/.exec(pattern.slice(at, at + 16));
      if (repeat) {
        const count = Math.max(1, Number(repeat[2] || repeat[1]));
        top().total += top().last * (count - 1);
        top().last *= count;
        at += repeat[0].length - 1;
        continue;
      }
    }
    atom(1);
  }
  return stack.reduce((sum, frame) => sum + frame.total, 0);
}

/** Index of the last character of the escape starting at `at` (`\x`, `\pL`, `\p{Greek}`, `\x{263a}`). */
function skipEscape(pattern: string, at: number): number {
  const kind = pattern[at + 1];
  if ((kind === 'p' || kind === 'P' || kind === 'x') && pattern[at + 2] === '{') {
    const close = pattern.indexOf('}', at + 3);
    return close < 0 ? pattern.length : close;
  }
  if (kind === 'p' || kind === 'P') return at + 2;
  if (kind === 'x') return at + 3;
  return at + 1;
}

/** Index of the `]` closing the class opened at `at` (a leading `]` or `^]` is a member). */
function skipClass(pattern: string, at: number): number {
  let index = at + 1;
  if (pattern[index] === '^') index += 1;
  if (pattern[index] === ']') index += 1;
  for (; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\') index = skipEscape(pattern, index);
    else if (char === '[' && pattern[index + 1] === ':') {
      const close = pattern.indexOf(':]', index + 2);
      if (close >= 0) index = close + 1;
    } else if (char === ']') return index;
  }
  return pattern.length;
}
