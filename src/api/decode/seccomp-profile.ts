/**
 * Docker's seccomp profile format (moby profiles/seccomp/seccomp.go), decoded as untrusted input:
 * a profile comes from a client (`--security-opt seccomp=FILE`: the CLI sends the file's content)
 * or from the daemon's profile file. Every field is type-checked into a SeccompProfile; anything
 * runc would get wrong or silently drop (an unknown action or operator, a 7th argument, a
 * malformed kernel version, both `name` and `names`) is refused with the field named. Unknown keys
 * are ignored, as Go's decoder does, so newer profiles with extra fields still load.
 */
import { invalid } from '../../errors/index.js';
import {
  SECCOMP_ACTIONS, SECCOMP_OPERATORS,
  type KernelVersion, type SeccompAction, type SeccompArg, type SeccompCondition, type SeccompOperator, type SeccompProfile, type SeccompRule,
} from '../../model/security.js';
import { object, string, strings } from './json.js';

const fail = (message: string): Error => invalid('seccomp-profile', `Decoding seccomp profile failed: ${message}`);

/** The json.ts checks name the field inside the profile; their errors say it is the profile's. */
function checked<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw fail((error as Error).message);
  }
}

function action(value: unknown, field: string): SeccompAction {
  if (!(SECCOMP_ACTIONS as readonly unknown[]).includes(value)) throw fail(`${field}: unknown action ${JSON.stringify(value)}`);
  return value as SeccompAction;
}

function unsigned(value: unknown, field: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) {
    throw fail(`${field}: expected an integer from 0 to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** "4.8" (moby: exactly "<kernel>.<major>", not 0.0). */
function kernelVersion(value: unknown, field: string): KernelVersion | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const match = typeof value === 'string' ? /^(\d{1,3})\.(\d{1,3})$/.exec(value) : null;
  const version = match ? { kernel: Number(match[1]), major: Number(match[2]) } : undefined;
  if (!version || version.kernel > 255 || version.major > 255 || (version.kernel === 0 && version.major === 0)) {
    throw fail(`${field}: invalid kernel version ${JSON.stringify(value)}, expected "<kernel>.<major>"`);
  }
  return version;
}

function condition(value: unknown, field: string): SeccompCondition {
  const raw = checked(() => object(value, field));
  const minKernel = kernelVersion(raw['minKernel'], `${field}.minKernel`);
  return {
    caps: checked(() => strings(raw['caps'], `${field}.caps`)),
    arches: checked(() => strings(raw['arches'], `${field}.arches`)),
    ...(minKernel ? { minKernel } : {}),
  };
}

function arg(value: unknown, field: string): SeccompArg {
  const raw = checked(() => object(value, field));
  const op = raw['op'];
  if (!(SECCOMP_OPERATORS as readonly unknown[]).includes(op)) throw fail(`${field}.op: unknown operator ${JSON.stringify(op)}`);
  return { index: unsigned(raw['index'], `${field}.index`, 5), value: unsigned(raw['value'] ?? 0, `${field}.value`), valueTwo: unsigned(raw['valueTwo'] ?? 0, `${field}.valueTwo`), op: op as SeccompOperator };
}

const SYSCALL_NAME = /^[a-z0-9_]{1,64}$/;

function rule(value: unknown, field: string): SeccompRule {
  const raw = checked(() => object(value, field));
  const name = checked(() => string(raw['name'], `${field}.name`));
  const names = checked(() => strings(raw['names'], `${field}.names`));
  if (name !== '' && names.length > 0) throw fail(`${field}: 'name' and 'names' were specified, use either 'name' or 'names'`);
  const all = name !== '' ? [name] : names;
  if (all.length === 0) throw fail(`${field}: no syscall names`);
  const bad = all.find((entry) => !SYSCALL_NAME.test(entry));
  if (bad !== undefined) throw fail(`${field}: invalid syscall name ${JSON.stringify(bad)}`);
  const args = raw['args'] ?? [];
  if (!Array.isArray(args)) throw fail(`${field}.args must be an array`);
  return {
    names: all,
    action: action(raw['action'], `${field}.action`),
    ...(raw['errnoRet'] !== undefined && raw['errnoRet'] !== null ? { errnoRet: unsigned(raw['errnoRet'], `${field}.errnoRet`, 4095) } : {}),
    args: args.map((entry, index) => arg(entry, `${field}.args[${index}]`)),
    includes: condition(raw['includes'], `${field}.includes`),
    excludes: condition(raw['excludes'], `${field}.excludes`),
  };
}

const ARCH = /^SCMP_ARCH_[A-Z0-9_]{1,20}$/;

function arches(value: unknown, field: string): string[] {
  const list = checked(() => strings(value, field));
  const bad = list.find((entry) => !ARCH.test(entry));
  if (bad !== undefined) throw fail(`${field}: invalid architecture ${JSON.stringify(bad)}`);
  return list;
}

function archMap(value: unknown): SeccompProfile['archMap'] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw fail('archMap must be an array');
  return value.map((entry, index) => {
    const raw = checked(() => object(entry, `archMap[${index}]`));
    const [architecture] = arches([raw['architecture']], `archMap[${index}].architecture`);
    return { architecture: architecture ?? '', subArchitectures: arches(raw['subArchitectures'], `archMap[${index}].subArchitectures`) };
  });
}

/** The profile in `text` (JSON), or a 400-kind error saying what is wrong with it. */
export function decodeSeccompProfile(text: string): SeccompProfile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw fail((error as Error).message);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw fail('a profile is a JSON object');
  const raw = parsed as Record<string, unknown>;
  const profile: SeccompProfile = {
    defaultAction: action(raw['defaultAction'], 'defaultAction'),
    ...(raw['defaultErrnoRet'] !== undefined && raw['defaultErrnoRet'] !== null ? { defaultErrnoRet: unsigned(raw['defaultErrnoRet'], 'defaultErrnoRet', 4095) } : {}),
    architectures: arches(raw['architectures'], 'architectures'),
    archMap: archMap(raw['archMap']),
    syscalls: [],
  };
  if (profile.architectures.length > 0 && profile.archMap.length > 0) {
    throw fail("'architectures' and 'archMap' were specified in the seccomp profile, use either 'architectures' or 'archMap'");
  }
  const syscalls = raw['syscalls'] ?? [];
  if (!Array.isArray(syscalls)) throw fail('syscalls must be an array');
  profile.syscalls = syscalls.map((entry, index) => rule(entry, `syscalls[${index}]`));
  return profile;
}
