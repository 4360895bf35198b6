/** One container at a time against conetd: `run -d -p`, then `rm -f`, with the daemon's step timings. */
import { ConetBench, type StepEvent } from './conet-host.js';
import { log, sh } from './common.js';

export interface ConetCycle { runMs: number; rmMs: number; started?: Record<string, number>; exited?: Record<string, number> }

export const HTTPD = ['busybox', 'httpd', '-f', '-p', '80'];

/** Starts a container that stays (keeps the bridge up: steady state) and checks its published port answers. */
export async function pinAndCheck(conet: ConetBench, hostPort: number): Promise<string> {
  const { stdout: id } = await conet.docker(['run', '-d', '-p', `${hostPort}:80`, ...HTTPD]);
  let answer = '';
  for (let attempt = 0; attempt < 20 && !answer.startsWith('HTTP'); attempt++) {
    const r = await sh(['ip', 'netns', 'exec', conet.host.netns, 'curl', '-s', '-o', '/dev/null', '-w', 'HTTP %{http_code}', '--max-time', '2', `http://127.0.0.1:${hostPort}/`]);
    answer = r.stdout.startsWith('HTTP 000') ? '' : r.stdout;
    if (!answer) await new Promise((r) => setTimeout(r, 100));
  }
  log(`conet: published port ${hostPort} answered: ${answer || 'NO ANSWER'}`);
  return answer || 'no answer';
}

export async function conetCycles(conet: ConetBench, count: number, portBase: number): Promise<ConetCycle[]> {
  const pending: StepEvent[] = [];
  const cycles: ConetCycle[] = [];
  for (let i = 0; i < count; i++) {
    const run = await conet.docker(['run', '-d', '-p', `${portBase + i}:80`, ...HTTPD]);
    const started = await conet.waitEvent(run.stdout, 'container started', pending);
    const rm = await conet.docker(['rm', '-f', run.stdout]);
    const exited = await conet.waitEvent(run.stdout, 'container exited', pending);
    cycles.push({ runMs: run.ms, rmMs: rm.ms, ...(started ? { started: started.steps } : {}), ...(exited ? { exited: exited.steps } : {}) });
  }
  return cycles;
}
