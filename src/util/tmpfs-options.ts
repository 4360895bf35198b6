/**
 * tmpfs mount options as Docker takes them (moby pkg/mount MergeTmpfsOptions and
 * volume/mounts ConvertTmpfsOptions): flags (`ro`, `noexec`, a propagation mode…) and data
 * (`size=64m`, `mode=1777`, `uid=`, `gid=`, `nr_inodes=`, `nr_blocks=`, `mpol=`). Docker checks
 * them only at start; here every option is checked when it is given (a 400 naming where it came
 * from), so the kernel only ever sees known options with well-formed values. Pure.
 */
import { invalid } from '../errors/index.js';

/** Each flag and the key it shares with its opposite: the last one given wins. */
const FLAGS: Readonly<Record<string, string>> = {
  ro: 'rdonly', rw: 'rdonly', suid: 'suid', nosuid: 'suid', dev: 'dev', nodev: 'dev', exec: 'exec', noexec: 'exec',
  sync: 'sync', async: 'sync', dirsync: 'dirsync', mand: 'mand', nomand: 'mand', atime: 'atime', noatime: 'atime',
  diratime: 'diratime', nodiratime: 'diratime', relatime: 'relatime', norelatime: 'relatime',
  strictatime: 'strictatime', nostrictatime: 'strictatime',
  private: 'propagation', rprivate: 'propagation', shared: 'propagation', rshared: 'propagation',
  slave: 'propagation', rslave: 'propagation', unbindable: 'propagation', runbindable: 'propagation',
};

/** Data options and the values the kernel's tmpfs takes for them. */
const DATA: Readonly<Record<string, RegExp>> = {
  size: /^\d{1,19}[kmgKMG%]?$/,
  nr_blocks: /^\d{1,19}[kmgKMG%]?$/,
  nr_inodes: /^\d{1,19}[kmgKMG%]?$/,
  mode: /^[0-7]{1,4}$/,
  uid: /^\d{1,10}$/,
  gid: /^\d{1,10}$/,
  mpol: /^(default|prefer|bind|interleave|local)(=(static|relative))?(:[0-9,-]{1,64})?$/,
};

/** Docker's defaults for every tmpfs it mounts, before the container's own options. */
export const TMPFS_DEFAULTS: readonly string[] = ['noexec', 'nosuid', 'nodev', 'rprivate'];

/** Splits and checks `size=64m,mode=1777,noexec`; `where` names the field in the error. */
export function parseTmpfsOptions(text: string, where: string): string[] {
  if (text === '') return [];
  return text.split(',').map((option) => checkTmpfsOption(option, where));
}

export function checkTmpfsOption(option: string, where: string): string {
  if (option === 'defaults' || Object.hasOwn(FLAGS, option)) return option;
  const equals = option.indexOf('=');
  const key = equals < 0 ? option : option.slice(0, equals);
  const pattern = Object.hasOwn(DATA, key) ? DATA[key] : undefined;
  if (equals < 0 || !pattern) throw invalid('tmpfs-option', `${where}: invalid tmpfs option ${JSON.stringify(option.slice(0, 64))}`);
  if (!pattern.test(option.slice(equals + 1))) throw invalid('tmpfs-option', `${where}: invalid value for tmpfs option ${JSON.stringify(option.slice(0, 64))}`);
  return option;
}

/** MergeTmpfsOptions: later options win over earlier ones with the same key; "defaults" drops out. */
export function mergeTmpfsOptions(options: readonly string[]): string[] {
  const seen = new Set<string>();
  const merged: string[] = [];
  for (const option of [...options].reverse()) {
    if (option === 'defaults') continue;
    const key = Object.hasOwn(FLAGS, option) ? `flag:${FLAGS[option]}` : `data:${option.split('=')[0]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.unshift(option);
  }
  return merged;
}

/** ConvertTmpfsOptions: `--mount type=tmpfs`'s ReadOnly, Mode and SizeBytes as option text. */
export function tmpfsOptionsOf(readOnly: boolean, mode: number, sizeBytes: number): string[] {
  const options = readOnly ? ['ro'] : [];
  if (mode !== 0) options.push(`mode=${mode.toString(8)}`);
  if (sizeBytes !== 0) options.push(`size=${sizeText(sizeBytes)}`);
  return options;
}

/** The largest of g, m, k that divides the size evenly (Docker's choice), else bytes. */
function sizeText(bytes: number): string {
  for (const [suffix, divisor] of [['g', 1024 ** 3], ['m', 1024 ** 2], ['k', 1024]] as const) {
    if (bytes % divisor === 0) return `${bytes / divisor}${suffix}`;
  }
  return String(bytes);
}
