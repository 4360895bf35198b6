/**
 * `HostConfig.SecurityOpt` (`--security-opt`) decoded as moby's parseSecurityOpt reads it, into a
 * typed ContainerSecurity: `seccomp=unconfined|builtin|<profile JSON>` (the CLI reads a profile
 * FILE itself and sends its content), `no-new-privileges[=BOOL]`, `apparmor=NAME` only where the
 * host has AppArmor, `label=disable` (no SELinux labels: what conet does anyway). Anything else,
 * and AppArmor or SELinux options this host can't apply, is refused with a 400 naming it.
 */
import { invalid } from '../../errors/index.js';
import { DEFAULT_SECURITY, type ContainerSecurity } from '../../model/security.js';
import { strings } from './json.js';
import { decodeSeccompProfile } from './seccomp-profile.js';

const refuse = (option: string, why: string): Error => invalid('security-opt', `invalid --security-opt ${JSON.stringify(option)}: ${why}`);

/** Go's strconv.ParseBool. */
function parseBool(text: string, option: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw refuse(option, 'no-new-privileges takes true or false');
}

/** AppArmor profile names runc writes to /proc/self/attr: no spaces, newlines or controls. */
const APPARMOR_NAME = /^[A-Za-z0-9_.\-/]{1,255}$/;

function split(option: string): [string, string] {
  const at = option.includes('=') ? option.indexOf('=') : option.indexOf(':');
  if (at <= 0) throw refuse(option, 'expected KEY=VALUE (seccomp, apparmor, label, no-new-privileges)');
  return [option.slice(0, at), option.slice(at + 1)];
}

function apply(security: ContainerSecurity, option: string, host: { appArmor: boolean }): void {
  if (option === 'no-new-privileges') {
    security.noNewPrivileges = true;
    return;
  }
  const [key, value] = split(option);
  if (key === 'seccomp') {
    if (value === 'unconfined') security.seccomp = { mode: 'unconfined' };
    else if (value === 'builtin') security.seccomp = { mode: 'default' };
    else security.seccomp = { mode: 'profile', profile: decodeSeccompProfile(value) };
  } else if (key === 'no-new-privileges') {
    security.noNewPrivileges = parseBool(value, option);
  } else if (key === 'apparmor') {
    if (!host.appArmor) throw refuse(option, 'AppArmor is not enabled on this host');
    if (!APPARMOR_NAME.test(value)) throw refuse(option, 'not an AppArmor profile name');
    security.appArmorProfile = value;
  } else if (key === 'label') {
    if (value !== 'disable') throw refuse(option, 'SELinux is not supported on this host');
  } else {
    throw refuse(option, 'unknown security option');
  }
}

export function decodeSecurityOpts(value: unknown, host: { appArmor: boolean }): ContainerSecurity {
  const security: ContainerSecurity = { ...DEFAULT_SECURITY };
  for (const option of strings(value, 'HostConfig.SecurityOpt')) apply(security, option, host);
  return security;
}
