import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = resolve(fileURLToPath(import.meta.url), '../../../../test/fixtures');

/** A recorded response body of real Docker 20.10 (see test/fixtures/docker-20.10/README.md). */
export function recordedResponse(step: string): unknown {
  const recorded = JSON.parse(readFileSync(resolve(FIXTURES, 'docker-20.10', `${step}.json`), 'utf8')) as {
    response: { _json: unknown };
  };
  return recorded.response._json;
}
