/**
 * Child of LinuxNamespaceSockets, started as `nsenter --net=NETNS -- node THIS ADDRESS PORT`: it
 * binds UDP and TCP on ADDRESS:PORT in that namespace, sends both handles to the daemon over the
 * IPC channel, waits for the daemon's word that they arrived, and exits. The sockets stay in the
 * namespace they were opened in, wherever their descriptors go.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const [address, rawPort] = process.argv.slice(2);
  const port = Number(rawPort);
  if (!address || !Number.isInteger(port) || port < 1 || port > 65535) fail('usage: ADDRESS PORT');
  if (!process.send) fail('no IPC channel');
  const udp = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind({ address, port, exclusive: true }, () => resolve());
  });
  const tcp = createServer();
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen({ host: address, port, exclusive: true }, () => resolve());
  });
  // The daemon answers once it holds both; a daemon that goes away ends us too.
  process.once('message', () => process.exit(0));
  process.once('disconnect', () => process.exit(1));
  process.send({ kind: 'udp' }, udp);
  process.send({ kind: 'tcp' }, tcp);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
