/** `conet daemon`: runs the engine in the foreground. */
import { installSignalHandlers, startDaemon } from '../../daemon/daemon.js';
import { EXIT_FAILED, EXIT_OK, UsageError, parseCommandArgs, type Command, type CommandContext } from '../usage.js';

const USAGE = `Usage: conet daemon [OPTIONS]

Run the conet daemon (Docker Engine API on a unix socket) in the foreground.

Options:
  -H, --host unix://PATH   socket to serve (default unix:///run/conet/docker.sock)
      --data-root DIR      persistent state (default /var/lib/conet)
      --exec-root DIR      runtime state (default /run/conet)
      --config FILE        JSON config file (daemon.json-style keys)
  -l, --log-level LEVEL    debug, info, warn or error (default info)
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
      --fqdn-min-ttl SECONDS
                           shortest life of an FQDN policy's allowed address (default 30)
      --ui HOST:PORT       serve the live topology web view there (off by default; the daemon
                           logs its URL with a token); loopback only unless --ui-allow-remote
      --ui-allow-remote    allow a non-loopback --ui address
  -h, --help               print this usage
`;

const OPTIONS = {
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
  'fqdn-min-ttl': { type: 'string' },
  ui: { type: 'string' },
  'ui-allow-remote': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function start(args: string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(args, OPTIONS, USAGE);
  if (values.help) return context.stdout.write(USAGE), EXIT_OK;
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
    ...(values['fqdn-min-ttl'] !== undefined ? { fqdnMinTtl: values['fqdn-min-ttl'] } : {}),
    ...(values.ui !== undefined ? { ui: values.ui } : {}),
    ...(values['ui-allow-remote'] !== undefined ? { uiAllowRemote: values['ui-allow-remote'] } : {}),
  });
  installSignalHandlers(running);
  return EXIT_OK;
}

/** A daemon that fails to start says so in its log format (one JSON line), as it logs everything else. */
async function run(args: string[], context: CommandContext): Promise<number> {
  try {
    return await start(args, context);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const line = { time: new Date().toISOString(), level: 'error', msg: 'conet failed', error: error instanceof Error ? error.message : String(error) };
    context.stderr.write(`${JSON.stringify(line)}\n`);
    return EXIT_FAILED;
  }
}

export const daemonCommand: Command = { name: 'daemon', summary: 'Run the conet daemon', usage: USAGE, run };
