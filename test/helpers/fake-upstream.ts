/**
 * A fake upstream DNS server for the embedded resolver's forwarding tests, run as its own process
 * inside a test host's namespace: `node fake-upstream.js ADDRESS`. Every A question gets
 * 10.123.45.67; names starting with "big" are truncated over UDP and answered in full (40 A
 * records) over TCP, so the resolver's TCP fallback shows. Prints "ready" once both listen.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import * as packet from 'dns-packet';
import { TcpFrames, frame } from '../../src/dns/tcp-framing.js';

export const FAKE_ANSWER = '10.123.45.67';

function answer(query: Buffer, transport: 'udp' | 'tcp'): Buffer {
  const decoded = packet.decode(query);
  const question = decoded.questions?.[0];
  const name = question?.name ?? '';
  const big = name.startsWith('big');
  const base = { type: 'response' as const, id: decoded.id ?? 0, questions: decoded.questions ?? [] };
  if (question?.type !== 'A') return packet.encode({ ...base, flags: packet.RECURSION_AVAILABLE, answers: [] });
  if (big && transport === 'udp') return packet.encode({ ...base, flags: packet.RECURSION_AVAILABLE | packet.TRUNCATED_RESPONSE, answers: [] });
  const count = big ? 40 : 1;
  const answers = Array.from({ length: count }, (_, index) => ({ type: 'A' as const, name, ttl: 60, data: index === 0 ? FAKE_ANSWER : `10.124.0.${index}` }));
  return packet.encode({ ...base, flags: packet.RECURSION_AVAILABLE, answers });
}

function main(address: string): void {
  const udp = createSocket('udp4');
  udp.on('message', (message, remote) => udp.send(answer(message, 'udp'), remote.port, remote.address));
  const tcp = createServer((socket) => {
    const frames = new TcpFrames();
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      for (const query of frames.push(chunk)) socket.write(frame(answer(query, 'tcp')));
    });
  });
  let ready = 0;
  const listening = (): void => {
    ready += 1;
    if (ready === 2) console.log('ready');
  };
  udp.bind(53, address, listening);
  tcp.listen(53, address, listening);
}

/** Client mode: `node fake-upstream.js query SERVER[:PORT] NAME udp|tcp` prints the A answers, one a line. */
async function query(target: string, name: string, transport: string): Promise<void> {
  const [server = '127.0.0.1', port = '53'] = target.split(':');
  const { tcpExchange, udpExchange } = await import('../../src/dns/forwarder.js');
  const request = packet.encode({ type: 'query', id: 4242, flags: packet.RECURSION_DESIRED, questions: [{ type: 'A', name }] });
  const reply = transport === 'tcp' ? await tcpExchange(request, server, 3_000, Number(port)) : await udpExchange(request, server, 3_000, Number(port));
  const decoded = packet.decode(reply);
  console.log(`rcode ${(decoded.flags ?? 0) & 0xf} tc ${decoded.flag_tc}`);
  for (const record of decoded.answers ?? []) if (record.type === 'A') console.log(record.data);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  if (process.argv[2] === 'query') {
    query(process.argv[3] ?? '127.0.0.11', process.argv[4] ?? '', process.argv[5] ?? 'udp').catch((error: unknown) => {
      console.error(String(error));
      process.exit(1);
    });
  } else main(process.argv[2] ?? '127.0.0.1');
}
