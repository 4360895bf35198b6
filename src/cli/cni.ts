/**
 * The standalone CNI plugin (bin/conet-cni runs it when no conetd answers on the socket): the
 * CNI_* environment and stdin in, the plugin's output and exit code out.
 */
import { runStandaloneCni } from '../daemon/cni-standalone.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const outcome = await runStandaloneCni(process.env, await readStdin());
process.stdout.write(outcome.stdout === '' ? '' : `${outcome.stdout}\n`);
process.exitCode = outcome.exitCode;
