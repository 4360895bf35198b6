/**
 * docs/compatibility.md, rendered from the field table (create-fields.ts). Pure: the table in, the
 * Markdown out; scripts/gen-compatibility.sh writes the file, and a unit test fails when the
 * committed file differs from what this renders.
 */
import { CREATE_FIELDS, FIELDS_AFTER_1_41, UPDATE_FIELDS, type FieldRule } from './create-fields.js';

const HEADER = `# Compatibility: container create and update fields

<!-- Generated from src/api/decode/create-fields.ts by scripts/gen-compatibility.sh: do not edit. -->

Every field of \`POST /containers/create\` and \`POST /containers/{id}/update\` is in one of three
classes, and nothing is accepted and then silently ignored:

- **applied**: conet does it (the last column says where);
- **refused**: a request that sets it gets \`400 {"message": "conet does not support <field> (<flag>) yet"}\`
  and nothing is created. The zero value (null, false, 0, "", empty list or object) and the values
  listed under "also accepted" are what the docker CLI sends when the option is not given, so they pass;
- **ignored-as-docker**: Docker drops it as well (output-only, Windows-only, client-side or
  build-only fields), with Docker's own create warning where Docker gives one.

Fields that are not in Docker's API at all are ignored, as Docker's JSON decoder ignores unknown
fields. \`*\` stands for a network name. \`docker build\` and \`POST /build/prune\` answer 501.
`;

const cell = (text: string): string => text.replace(/\|/g, '\\|');

function row(rule: FieldRule): string {
  const since = FIELDS_AFTER_1_41[rule.path];
  const field = `\`${rule.path}\`${since ? ` (API ${since})` : ''}`;
  const detail = rule.class === 'refused' ? (rule.acceptsText ? `also accepted: ${rule.acceptsText}` : '') : rule.note;
  return `| ${cell(field)} | ${cell(rule.flag ?? '')} | ${rule.class} | ${cell(detail)} |`;
}

function table(title: string, rules: readonly FieldRule[]): string {
  const counts = (['applied', 'refused', 'ignored-as-docker'] as const).map((kind) => `${rules.filter((rule) => rule.class === kind).length} ${kind}`);
  return [`## ${title}`, '', `${rules.length} fields: ${counts.join(', ')}.`, '', '| Field | CLI option | Class | Where / also accepted |', '|---|---|---|---|', ...rules.map(row), ''].join('\n');
}

export function compatibilityMarkdown(): string {
  return [HEADER, table('POST /containers/create', CREATE_FIELDS), table('POST /containers/{id}/update', UPDATE_FIELDS)].join('\n');
}
