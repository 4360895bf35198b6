import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { CREATE_FIELDS, FIELDS_AFTER_1_41, UPDATE_FIELDS, isZero } from './create-fields.js';
import { compatibilityMarkdown } from './create-fields-doc.js';

/** Docker's 1.41 API schema, from Debian's golang-github-docker-docker-dev (scripts/setup.sh installs it). */
const SWAGGER = '/usr/share/gocode/src/github.com/docker/docker/api/swagger.yaml';
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

interface Schema { properties?: Record<string, unknown>; allOf?: Array<Schema & { $ref?: string }>; $ref?: string }

function loadDefinitions(): Record<string, Schema> {
  const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
  return (yaml.load(readFileSync(SWAGGER, 'utf8')) as { definitions: Record<string, Schema> }).definitions;
}

/** Property names of a definition, following `$ref`s and `allOf`. */
function propertiesOf(definitions: Record<string, Schema>, schema: Schema): string[] {
  if (schema.$ref) return propertiesOf(definitions, definitions[schema.$ref.split('/').pop() ?? ''] ?? {});
  const own = Object.keys(schema.properties ?? {});
  return [...own, ...(schema.allOf ?? []).flatMap((part) => propertiesOf(definitions, part))];
}

const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });

/** The schema's fields of each body, as table paths. */
function schemaPaths(definitions: Record<string, Schema>): { create: string[]; update: string[] } {
  const props = (name: string) => propertiesOf(definitions, ref(name));
  assert.deepEqual(props('NetworkingConfig'), ['EndpointsConfig'], 'NetworkingConfig holds only EndpointsConfig (a map of EndpointSettings)');
  return {
    create: [
      ...props('ContainerConfig'),
      ...props('HostConfig').map((name) => `HostConfig.${name}`),
      ...props('EndpointSettings').map((name) => `NetworkingConfig.EndpointsConfig.*.${name}`),
    ],
    update: [...props('Resources'), 'RestartPolicy'],
  };
}

/** A table row covers a schema field when it is that field or a part of it (IPAMConfig.IPv4Address). */
const covers = (rules: readonly { path: string }[], field: string): boolean => rules.some((rule) => rule.path === field || rule.path.startsWith(`${field}.`));

test("every field of Docker's 1.41 create and update schemas, and of the later versions, is in the table", { skip: !existsSync(SWAGGER) && !process.env['CI'] ? `${SWAGGER} is missing (scripts/setup.sh installs it)` : false }, () => {
  const schema = schemaPaths(loadDefinitions());
  assert.ok(schema.create.length > 100, `the schema has its fields (${schema.create.length})`);
  const missing = [...schema.create, ...Object.keys(FIELDS_AFTER_1_41)].filter((field) => !covers(CREATE_FIELDS, field));
  assert.deepEqual(missing, [], 'create fields missing from src/api/decode/create-fields.ts');
  assert.deepEqual(schema.update.filter((field) => !covers(UPDATE_FIELDS, field)), [], 'update fields missing from the table');
  // And no row is a typo: each is in the schema or listed as added after 1.41.
  const known = new Set([...schema.create, ...Object.keys(FIELDS_AFTER_1_41)]);
  const stray = CREATE_FIELDS.map((rule) => rule.path).filter((path) => ![...known].some((field) => path === field || path.startsWith(`${field}.`)));
  assert.deepEqual(stray, [], 'rows that are no field of the API');
  assert.deepEqual(UPDATE_FIELDS.map((rule) => rule.path).filter((path) => !schema.update.includes(path)), []);
});

test('each row is one field, refused rows name a CLI option where one exists, applied rows say where', () => {
  for (const rules of [CREATE_FIELDS, UPDATE_FIELDS]) {
    const paths = rules.map((rule) => rule.path);
    assert.deepEqual(paths.filter((path, index) => paths.indexOf(path) !== index), [], 'no duplicate rows');
  }
  for (const rule of CREATE_FIELDS) assert.ok(rule.note.length > 0, `${rule.path} has a note`);
  const flags = Object.fromEntries(CREATE_FIELDS.map((rule) => [rule.path, rule.flag]));
  assert.equal(flags['HostConfig.Memory'], '--memory');
  assert.equal(flags['HostConfig.RestartPolicy'], '--restart');
  assert.equal(flags['HostConfig.Tmpfs'], '--tmpfs');
});

test('zero values: what the CLI sends for options not given', () => {
  for (const value of [undefined, null, false, 0, '', [], {}, [0, 0]]) assert.equal(isZero(value), true, JSON.stringify(value));
  for (const value of [1, 'x', true, ['a'], { Name: 'always' }, { '/x': '' }, { Type: '', Config: {} }, -1]) assert.equal(isZero(value), false, JSON.stringify(value));
});

test('docs/compatibility.md is what scripts/gen-compatibility.sh renders from the table', () => {
  const committed = readFileSync(`${ROOT}docs/compatibility.md`, 'utf8');
  assert.ok(committed === compatibilityMarkdown(), 'docs/compatibility.md is stale: run `npm run build && bash scripts/gen-compatibility.sh` and commit it');
});
