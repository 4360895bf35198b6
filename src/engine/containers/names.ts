/**
 * Container names: Docker's rule for user-given names, and generated "adjective_scientist" names
 * when none is given (the word lists are conet's own).
 */
import { randomInt } from 'node:crypto';
import { invalid } from '../../errors/index.js';

const VALID = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

const ADJECTIVES = [
  'agile', 'bold', 'brave', 'bright', 'calm', 'clever', 'cool', 'eager', 'fair', 'fancy', 'gentle', 'happy', 'jolly',
  'keen', 'kind', 'lucid', 'merry', 'modest', 'nifty', 'noble', 'proud', 'quick', 'quiet', 'sharp', 'steady', 'swift',
  'tender', 'upbeat', 'vivid', 'wise', 'witty', 'zen',
];
const SCIENTISTS = [
  'babbage', 'bardeen', 'cerf', 'curie', 'dijkstra', 'engelbart', 'euler', 'faraday', 'feynman', 'hamilton', 'hopper',
  'kahn', 'knuth', 'lamport', 'liskov', 'lovelace', 'maxwell', 'metcalfe', 'noether', 'perlman', 'postel', 'ritchie',
  'shannon', 'thompson', 'torvalds', 'turing', 'wozniak', 'yalow',
];

export function validateContainerName(name: string): string {
  if (!VALID.test(name)) throw invalid('container-name', `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  return name.startsWith('/') ? name.slice(1) : name;
}

export function generateName(taken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt += 1) {
    const base = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SCIENTISTS[randomInt(SCIENTISTS.length)]}`;
    const name = attempt < 10 ? base : `${base}${randomInt(100)}`;
    if (!taken(name)) return name;
  }
}
