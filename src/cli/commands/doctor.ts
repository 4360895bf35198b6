/** `conet doctor`: what this host offers conet and what can get in its way (run as root, no daemon needed). */
import { runDoctor, type DoctorReport } from '../../daemon/doctor/run-doctor.js';
import { wantsJson } from '../connect.js';
import { renderJson, renderTable } from '../output.js';
import { COMMON_OPTIONS, COMMON_USAGE, EXIT_FAILED, EXIT_OK, parseCommandArgs, type Command, type CommandContext } from '../usage.js';

const USAGE = `Usage: conet doctor [OPTIONS]

Check this host for conet: kernel features (each link type made in a throwaway namespace),
nftables, conntrack, br_netfilter, cgroups, overlayfs, seccomp, AppArmor, ip_forward and
rp_filter, and other engines and firewalls (dockerd, firewalld, ufw, iptables-legacy rules).
Each problem comes with what to do. Exits 1 when conet can't run here.

Options:
${COMMON_USAGE.replace('Common options:\n', '')}`;

export function renderDoctor(report: DoctorReport): string {
  const table = renderTable(['CHECK', 'STATUS', 'DETAIL'], report.checks.map((c) => [c.name, c.status, c.detail]));
  const todo = report.checks.filter((c) => c.advice !== undefined).map((c) => `- ${c.name} (${c.status}): ${c.advice ?? ''}\n`).join('');
  const verdict = report.ok ? 'conet can run on this host.\n' : 'conet can NOT run on this host: see the failed checks.\n';
  return `${table}${todo === '' ? '' : `\nWhat to do:\n${todo}`}\n${verdict}`;
}

async function run(args: string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(args, COMMON_OPTIONS, USAGE);
  if (values.help) return context.stdout.write(USAGE), EXIT_OK;
  const report = await runDoctor();
  context.stdout.write(wantsJson(values.json, context) ? renderJson(report) : renderDoctor(report));
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

export const doctorCommand: Command = { name: 'doctor', summary: 'Check this host for what conet needs and what gets in its way', usage: USAGE, run };
