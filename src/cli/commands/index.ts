/**
 * The dispatch table: command name → command. A new command is one file in commands/ and one
 * line here (its usage line in `conet --help` comes from its summary).
 */
import type { Command } from '../usage.js';
import { daemonCommand } from './daemon.js';
import { doctorCommand } from './doctor.js';
import { networkCommand } from './network.js';
import { psCommand } from './ps.js';

export const COMMANDS: readonly Command[] = [
  daemonCommand,
  psCommand,
  networkCommand,
  doctorCommand,
];
