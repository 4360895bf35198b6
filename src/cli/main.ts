/** `conet` command line. `conet daemon` runs the engine in the foreground. */
import { parseArgs } from 'node:util';
import { installSignalHandlers, startDaemon } from '../daemon/daemon.js';

const USAGE = `Usage: conet COMMAND

Commands:
  daemon   Run the conet daemon (Docker Engine API on a unix socket)

conet daemon options:
  --host unix://PATH   socket to serve (default unix:///run/conet/docker.sock)
  --data-root DIR      persistent state (default /var/lib/conet)
  --exec-root DIR      runtime state (default /run/conet)
  --config FILE        JSON config file (daemon.json-style keys)
  --log-level LEVEL    debug, info, warn or error (default info)
  --cluster-store etcd://HOST:PORT[,HOST:PORT...]
                       cluster mode: overlay networks shared through etcd
  --cluster-advertise ADDR
                       this node's underlay address (VXLAN and routes)
  --cluster-store-opt KEY=VALUE
                       kv.cacertfile, kv.certfile, kv.keyfile, discovery.ttl (s), prefix
  --registry-mirror URL
                       a docker.io mirror (http[s]://HOST[:PORT]), repeatable
  --insecure-registry HOST[:PORT]|CIDR
                       a registry reached without TLS checks (or plain HTTP), repeatable
  --registry-timeout SECONDS|DURATION
                       a registry that doesn't answer fails the pull after this (default 30s)
  --certs-dir DIR      where HOST:PORT/ca.crt is looked for, repeatable
                       (default /etc/docker/certs.d and /etc/conet/certs.d)
`;

async function daemon(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      host: { type: 'string', short: 'H' },
      'data-root': { type: 'string' },
      'exec-root': { type: 'string' },
      config: { type: 'string' },
      'log-level': { type: 'string', short: 'l' },
      'cluster-store': { type: 'string' },
      'cluster-advertise': { type: 'string' },
      'cluster-store-opt': { type: 'string', multiple: true },
      'registry-mirror': { type: 'string', multiple: true },
      'insecure-registry': { type: 'string', multiple: true },
      'registry-timeout': { type: 'string' },
      'certs-dir': { type: 'string', multiple: true },
    },
    strict: true,
  });
  const running = await startDaemon({
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values['data-root'] !== undefined ? { dataRoot: values['data-root'] } : {}),
    ...(values['exec-root'] !== undefined ? { execRoot: values['exec-root'] } : {}),
    ...(values.config !== undefined ? { config: values.config } : {}),
    ...(values['log-level'] !== undefined ? { logLevel: values['log-level'] } : {}),
    ...(values['cluster-store'] !== undefined ? { clusterStore: values['cluster-store'] } : {}),
    ...(values['cluster-advertise'] !== undefined ? { clusterAdvertise: values['cluster-advertise'] } : {}),
    ...(values['cluster-store-opt'] !== undefined ? { clusterStoreOpts: values['cluster-store-opt'] } : {}),
    ...(values['registry-mirror'] !== undefined ? { registryMirrors: values['registry-mirror'] } : {}),
    ...(values['insecure-registry'] !== undefined ? { insecureRegistries: values['insecure-registry'] } : {}),
    ...(values['registry-timeout'] !== undefined ? { registryTimeout: values['registry-timeout'] } : {}),
    ...(values['certs-dir'] !== undefined ? { certsDirs: values['certs-dir'] } : {}),
  });
  installSignalHandlers(running);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'daemon':
      return daemon(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return;
    default:
      process.stderr.write(`conet: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'conet failed', error: error instanceof Error ? error.message : String(error) })}\n`);
  process.exit(1);
});
