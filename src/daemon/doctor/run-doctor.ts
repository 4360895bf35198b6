/** `conet doctor`: reads the host through kernel/ and judges it (report.ts). */
import { readHostFacts, readHostNeighbours } from '../../kernel/linux/doctor/index.js';
import { judgeHost, type DoctorReport } from './report.js';

export async function runDoctor(): Promise<DoctorReport> {
  const [facts, neighbours] = await Promise.all([readHostFacts(), readHostNeighbours()]);
  return judgeHost(facts, neighbours);
}

export type { Check, CheckStatus, DoctorReport } from './report.js';
