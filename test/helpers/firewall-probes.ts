/**
 * Probes for the firewall attack tests (test/e2e/security-firewall.test.ts): a crafted SYN from an
 * L2 neighbour (raw-syn.py), an HTTP server that answers with the client's address (to see
 * masquerade), a UDP receiver that logs every datagram's source, and a UDP sender that keeps
 * sending. Long-running ones are ProcessHandles the caller stops by PID.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, startPiped, startProcess, type PipedProcess, type ProcessHandle } from '../../src/exec/index.js';

const REPO = resolve(fileURLToPath(import.meta.url), '../../../..');
const PYTHON = '/usr/bin/python3';

/** Sends one SYN to dstIp:port in a frame addressed to dstMac; true when a SYN-ACK came back. */
export async function craftedSyn(netnsPath: string, options: { iface: string; dstMac: string; srcIp: string; dstIp: string; port: number; seconds?: number }): Promise<boolean> {
  const seconds = options.seconds ?? 3;
  const argv = ['nsenter', `--net=${netnsPath}`, PYTHON, join(REPO, 'test/helpers/raw-syn.py'), options.iface, options.dstMac, options.srcIp, options.dstIp, String(options.port), String(seconds)];
  const result = await run(argv, { timeoutMs: (seconds + 20) * 1000 });
  if (!/^(syn-ack|no-answer)$/m.test(result.stdout)) throw new Error(`raw-syn.py: ${result.stdout} ${result.stderr}`);
  return /^syn-ack$/m.test(result.stdout);
}

const ECHO_ADDRESS_SERVER = [
  'import http.server as h',
  'class H(h.BaseHTTPRequestHandler):',
  '  def do_GET(s):',
  '    b = s.client_address[0].encode()',
  '    s.send_response(200); s.send_header("Content-Length", str(len(b))); s.end_headers(); s.wfile.write(b)',
  '  def log_message(s, *a): pass',
  'h.HTTPServer(("0.0.0.0", int(__import__("sys").argv[1])), H).serve_forever()',
].join('\n');

/** HTTP server whose body is the client's address as it sees it. */
export function echoAddressServer(netnsPath: string, port: number): ProcessHandle {
  return startProcess(['nsenter', `--net=${netnsPath}`, PYTHON, '-c', ECHO_ADDRESS_SERVER, String(port)]);
}

const UDP_RECEIVER = 'import socket, sys\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(("0.0.0.0", int(sys.argv[1])))\nwhile True:\n  data, peer = s.recvfrom(256)\n  print(peer[0], data.decode(errors="replace"), flush=True)\n';

/** Logs "SOURCE PAYLOAD" per datagram on port into logFile. */
export function udpReceiver(netnsPath: string, port: number, logFile: string): ProcessHandle {
  return startProcess(['nsenter', `--net=${netnsPath}`, PYTHON, '-u', '-c', UDP_RECEIVER, String(port)], { logFile });
}

export async function received(logFile: string): Promise<string[]> {
  return (await readFile(logFile, 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

const UDP_SENDER = 'import socket, sys, time\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(("0.0.0.0", 40000))\nwhile True:\n  try: s.sendto(b"tick", (sys.argv[1], int(sys.argv[2])))\n  except OSError: pass\n  time.sleep(0.05)\n';

/** Sends "tick" to address:port every 50 ms from one fixed source port (one flow), until stopped. */
export function udpSender(netnsPath: string, address: string, port: number): ProcessHandle {
  return startProcess(['nsenter', `--net=${netnsPath}`, PYTHON, '-c', UDP_SENDER, address, String(port)]);
}

/** Table events of `nft monitor` in a namespace, each stamped with performance.now() on arrival. */
export class TableEventLog {
  readonly events: Array<{ line: string; at: number }> = [];
  private readonly child: PipedProcess;

  constructor(netnsPath: string) {
    this.child = startPiped(['nsenter', `--net=${netnsPath}`, 'nft', 'monitor', 'tables'], { stdin: 'ignore', stderr: 'ignore' });
    let buffer = '';
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => {
      const at = performance.now();
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) this.events.push({ line, at });
    });
  }

  /** Arrival time of the first event matching `line` after `since`, waiting up to timeoutMs. */
  async next(line: string, since: number, timeoutMs = 5_000): Promise<number | undefined> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((event) => event.at >= since && event.line === line);
      if (found) return found.at;
      if (performance.now() > deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async stop(): Promise<void> {
    this.child.signal('SIGKILL');
    await this.child.exited;
  }
}

const UDP_PUSHER = 'import socket, sys, time\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(("0.0.0.0", int(sys.argv[1])))\n_, peer = s.recvfrom(256)\nwhile True:\n  try: s.sendto(b"push", peer)\n  except OSError: pass\n  time.sleep(0.05)\n';

/** Waits for one datagram on port, then keeps sending to its sender every 50 ms (a server push). */
export function udpPusher(netnsPath: string, port: number): ProcessHandle {
  return startProcess(['nsenter', `--net=${netnsPath}`, PYTHON, '-c', UDP_PUSHER, String(port)]);
}

/** One datagram from sourcePort to address:port. */
export async function udpSendOnce(netnsPath: string, sourcePort: number, address: string, port: number): Promise<void> {
  const script = 'import socket, sys\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(("0.0.0.0", int(sys.argv[1])))\ns.sendto(b"hello", (sys.argv[2], int(sys.argv[3])))\n';
  await run(['nsenter', `--net=${netnsPath}`, PYTHON, '-c', script, String(sourcePort), address, String(port)], { timeoutMs: 20_000 });
}
