/**
 * `HostConfig.Mounts` (`--mount type=bind|volume|tmpfs,…`), each entry decoded and checked as
 * Docker's validateMountConfig does: the options object of another type is an error ("field
 * VolumeOptions must not be specified"), a bind's source must exist (checked by the engine at
 * create, `bind source path does not exist`) unless `CreateMountpoint`, a tmpfs has no source.
 * A read-only bind is read-only all the way down unless `ReadOnlyNonRecursive` (Docker 25+:
 * mount-plan.ts); `ReadOnlyForceRecursive` is checked as Docker checks it. The `image` type is
 * refused.
 */
import { invalid } from '../../errors/index.js';
import { PROPAGATIONS, type MountSpec, type Propagation } from '../../model/mounts.js';
import { checkTmpfsOption, tmpfsOptionsOf } from '../../util/tmpfs-options.js';
import { bool, object, string, stringMap, type Json } from './json.js';
import { bindSource, mountConfigError, mountDestination } from './mount-paths.js';

const isSet = (value: unknown): boolean => value !== undefined && value !== null;

function refuseOther(entry: Json, where: string, type: string, allowed: string): void {
  for (const field of ['BindOptions', 'VolumeOptions', 'TmpfsOptions']) {
    if (field !== allowed && isSet(entry[field])) throw mountConfigError(where, type, `field ${field} must not be specified`);
  }
}

function wholeNumber(value: unknown, field: string, max: number): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) throw invalid('request', `${field} must be an integer from 0 to ${max}`);
  return value;
}

interface Recursion {
  readOnly: boolean;
  nonRecursive: boolean;
  readOnlyNonRecursive: boolean;
  forceRecursive: boolean;
  propagation: string;
}

/** Docker's checks of `bind-recursive` (API 1.44): both read-only options need ReadOnly; forcing needs a recursive, rprivate bind. */
function checkRecursion(options: Recursion, where: string): void {
  for (const [name, set] of [['ReadOnlyNonRecursive', options.readOnlyNonRecursive], ['ReadOnlyForceRecursive', options.forceRecursive]] as const) {
    if (set && !options.readOnly) throw mountConfigError(where, 'bind', `option '${name}' requires 'ReadOnly' to be specified in conjunction`);
  }
  if (!options.forceRecursive) return;
  if (options.readOnlyNonRecursive || options.nonRecursive) throw mountConfigError(where, 'bind', "option 'ReadOnlyForceRecursive' conflicts with 'ReadOnlyNonRecursive' and 'NonRecursive'");
  if (options.propagation !== 'rprivate') throw mountConfigError(where, 'bind', "option 'ReadOnlyForceRecursive' requires 'BindOptions.Propagation' to be 'rprivate'");
}

function decodeBindEntry(entry: Json, where: string, destination: string, readOnly: boolean): MountSpec {
  const options = object(entry['BindOptions'], `${where}.BindOptions`);
  const propagation = string(options['Propagation'], `${where}.BindOptions.Propagation`) || 'rprivate';
  if (!(PROPAGATIONS as readonly string[]).includes(propagation)) throw mountConfigError(where, 'bind', `invalid propagation mode: ${propagation.slice(0, 32)}`);
  const nonRecursive = bool(options['NonRecursive'], `${where}.BindOptions.NonRecursive`);
  const readOnlyNonRecursive = bool(options['ReadOnlyNonRecursive'], `${where}.BindOptions.ReadOnlyNonRecursive`);
  const forceRecursive = bool(options['ReadOnlyForceRecursive'], `${where}.BindOptions.ReadOnlyForceRecursive`);
  checkRecursion({ readOnly, nonRecursive, readOnlyNonRecursive, forceRecursive, propagation }, where);
  const createSource = bool(options['CreateMountpoint'], `${where}.BindOptions.CreateMountpoint`);
  const source = bindSource(string(entry['Source'], `${where}.Source`), where);
  return {
    type: 'bind', source, destination, readOnly, propagation: propagation as Propagation, createSource, nonRecursive, mode: '', origin: 'mounts',
    ...(readOnlyNonRecursive ? { readOnlyNonRecursive } : {}),
  };
}

function decodeVolumeEntry(entry: Json, where: string, destination: string, readOnly: boolean): MountSpec {
  const options = object(entry['VolumeOptions'], `${where}.VolumeOptions`);
  const driver = object(options['DriverConfig'], `${where}.VolumeOptions.DriverConfig`);
  const name = string(entry['Source'], `${where}.Source`);
  if (name === '' && readOnly) throw mountConfigError(where, 'volume', 'must not set ReadOnly mode when using anonymous volumes');
  return {
    type: 'volume', name, destination, readOnly, mode: '', origin: 'mounts',
    driver: string(driver['Name'], `${where}.VolumeOptions.DriverConfig.Name`),
    driverOptions: { ...stringMap(driver['Options'], `${where}.VolumeOptions.DriverConfig.Options`) },
    labels: { ...stringMap(options['Labels'], `${where}.VolumeOptions.Labels`) },
    noCopy: bool(options['NoCopy'], `${where}.VolumeOptions.NoCopy`),
    subpath: string(options['Subpath'], `${where}.VolumeOptions.Subpath`),
  };
}

/** API 1.46's TmpfsOptions.Options: `[["noexec"], ["nr_inodes", "100"]]`. */
function extraTmpfsOptions(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  const field = `${where}.TmpfsOptions.Options`;
  const shape = (item: unknown): item is string[] => Array.isArray(item) && (item.length === 1 || item.length === 2) && item.every((part) => typeof part === 'string');
  if (!Array.isArray(value) || !value.every(shape)) throw invalid('request', `${field} must be a list of [option] or [option, value] lists of strings`);
  return value.map((item) => checkTmpfsOption(item.join('='), field));
}

function decodeTmpfsEntry(entry: Json, where: string, destination: string, readOnly: boolean): MountSpec {
  if (string(entry['Source'], `${where}.Source`) !== '') throw mountConfigError(where, 'tmpfs', 'field Source must not be specified');
  const options = object(entry['TmpfsOptions'], `${where}.TmpfsOptions`);
  const mode = wholeNumber(options['Mode'], `${where}.TmpfsOptions.Mode`, 0o7777);
  const size = wholeNumber(options['SizeBytes'], `${where}.TmpfsOptions.SizeBytes`, Number.MAX_SAFE_INTEGER);
  return { type: 'tmpfs', destination, readOnly, origin: 'mounts', options: [...tmpfsOptionsOf(readOnly, mode, size), ...extraTmpfsOptions(options['Options'], where)] };
}

const DECODERS: Readonly<Record<string, typeof decodeBindEntry>> = { bind: decodeBindEntry, volume: decodeVolumeEntry, tmpfs: decodeTmpfsEntry };

export function decodeMountEntry(value: unknown, where: string): MountSpec {
  const entry = object(value, where);
  const type = string(entry['Type'], `${where}.Type`);
  if (type === 'image') throw invalid('unsupported-option', `conet does not support ${where}.Type (--mount type=image) yet`);
  const decode = Object.hasOwn(DECODERS, type) ? DECODERS[type] : undefined;
  if (!decode) throw mountConfigError(where, type, 'mount type unknown');
  refuseOther(entry, where, type, type === 'bind' ? 'BindOptions' : type === 'volume' ? 'VolumeOptions' : 'TmpfsOptions');
  string(entry['Consistency'], `${where}.Consistency`);
  const readOnly = bool(entry['ReadOnly'], `${where}.ReadOnly`);
  return decode(entry, where, mountDestination(string(entry['Target'], `${where}.Target`), where, type), readOnly);
}
