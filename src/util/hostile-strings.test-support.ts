/**
 * Hostile strings for the property tests of issue 10, item 2: what an attacker puts in a string
 * field to reach a script (newlines, ';', quotes, `$( )`, '#', backslashes, NUL), very long
 * strings (100 kB), Unicode (line and paragraph separators, right-to-left marks, astral planes),
 * and any of these glued to a value that would otherwise be valid.
 */
import fc from 'fast-check';

const ATTACKS = [
  '\nnetns add conet-prop-x\n',
  '; touch /tmp/conet-prop-owned',
  '$(touch /tmp/conet-prop-owned)',
  '`id`',
  '"',
  "'",
  '#',
  '\\',
  '\0',
  '\r\n',
  ' up',
  '\u2028',
  '\u202e',
  '𝔁',
  '../../etc/passwd',
];

const VALID_LOOKING = ['02:42:ac:11:00:99', 'eth0', '10.1.2.3', '10.1.0.0/24', 'fd00::1', 'br0', 'busybox', 'web', 'conet0'];

/** A string built to break a script if it ever reached one. */
export function hostileString(): fc.Arbitrary<string> {
  const piece = fc.oneof(fc.constantFrom(...ATTACKS), fc.constantFrom(...VALID_LOOKING), fc.string({ unit: 'binary', maxLength: 12 }));
  return fc.oneof(
    { weight: 6, arbitrary: fc.array(piece, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('')) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.constantFrom('a'.repeat(100_000), `${'b'.repeat(50_000)}\nnetns add conet-prop-x\n${'c'.repeat(50_000)}`) },
  );
}
