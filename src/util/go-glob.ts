/**
 * Go's path.Match patterns (what Docker's `reference` image filter takes): `*` is any run of
 * characters other than '/', `?` one such character, `[...]` a class (`[^...]`/`[!...]` negated,
 * ranges `a-z`), `\x` the character x. Compiled to an anchored RE2 program (linear time, as the
 * regexp filters of go-pattern.ts), so no pattern can make a match backtrack. A malformed pattern
 * (an unclosed class, a trailing backslash) is Go's ErrBadPattern: a 400.
 */
import { RE2JS } from 're2js';
import { invalid } from '../errors/index.js';

const MAX_GLOB_LENGTH = 256;
const META = /[\\^$.|?*+()[\]{}]/;

const quote = (char: string): string => (META.test(char) ? `\\${char}` : char);

function badPattern(pattern: string): Error {
  return invalid('filters', `invalid filter 'reference=${pattern}': syntax error in pattern`);
}

/** The class starting at `pattern[start] === '['`: its RE2 text and the index after its ']'. */
function translateClass(pattern: string, start: number): { text: string; next: number } {
  let index = start + 1;
  let text = '[';
  if (pattern[index] === '^' || pattern[index] === '!') {
    text += '^';
    index += 1;
  }
  let members = 0;
  while (index < pattern.length && (pattern[index] !== ']' || members === 0)) {
    let char = pattern[index]!;
    if (char === '\\') {
      index += 1;
      if (index >= pattern.length) throw badPattern(pattern);
      char = pattern[index]!;
    }
    text += char === '-' && members > 0 && pattern[index + 1] !== ']' ? '-' : quote(char);
    members += 1;
    index += 1;
  }
  if (index >= pattern.length) throw badPattern(pattern);
  return { text: `${text}]`, next: index + 1 };
}

export function globToRegExp(pattern: string): string {
  let out = '';
  for (let index = 0; index < pattern.length; ) {
    const char = pattern[index]!;
    if (char === '*') {
      out += '[^/]*';
      index += 1;
    } else if (char === '?') {
      out += '[^/]';
      index += 1;
    } else if (char === '[') {
      const { text, next } = translateClass(pattern, index);
      out += text;
      index = next;
    } else if (char === '\\') {
      if (index + 1 >= pattern.length) throw badPattern(pattern);
      out += quote(pattern[index + 1]!);
      index += 2;
    } else {
      out += quote(char);
      index += 1;
    }
  }
  return `^(?:${out})$`;
}

export interface GoGlob {
  matches(source: string): boolean;
}

export function compileGoGlob(pattern: string): GoGlob {
  if (pattern.length > MAX_GLOB_LENGTH) throw invalid('filters', `invalid filter 'reference': the pattern is longer than ${MAX_GLOB_LENGTH} characters`);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(globToRegExp(pattern));
  } catch {
    // A class RE2 refuses (e.g. a reversed range z-a): Go's path.Match calls that a bad pattern too.
    throw badPattern(pattern);
  }
  return { matches: (source) => compiled.matches(source) };
}
