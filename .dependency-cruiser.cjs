/**
 * The layering of src/, checked in CI (scripts/check-architecture.sh). Top to bottom:
 *
 *   cli
 *   daemon                                   composition root: wires concrete implementations (and starts ui)
 *   api  cni  ui  client                     front doors (ui and cni talk to the engine's API/use cases)
 *   engine                                   use cases
 *   drivers  dns  runtime  policy  ports     mechanisms the engine drives
 *   kernel  cluster  ipam  firewall  store   adapters and pure domain logic
 *   exec  errors  model  util                leaves
 *
 * A folder may import only the folders listed for it in LAYERS (its own subfolders are always
 * fine). Beyond the table: no driver imports another driver (only drivers/common and the
 * registry at drivers/*.ts), and no file-level import cycles. Test code (*.test.ts,
 * *.test-support.ts, *.contract.ts) is outside the check: tests wire whatever they test.
 * Exceptions: none. An exception would go in EXCEPTIONS with a one-line reason.
 */
const LEAVES = ['errors', 'model', 'util'];
const LAYERS = {
  model: [],
  errors: [],
  util: ['errors', 'model'], // pure parsers of domain values (image references, platforms) return model types
  exec: [...LEAVES],
  kernel: ['exec', ...LEAVES],
  store: [...LEAVES],
  ipam: [...LEAVES],
  cluster: [...LEAVES],
  firewall: ['kernel', ...LEAVES], // FirewallService applies the builder's scripts through the kernel port
  ports: ['firewall', 'kernel', 'ipam', ...LEAVES],
  drivers: ['kernel', 'cluster', 'ipam', 'firewall', 'store', ...LEAVES],
  dns: ['kernel', 'policy', ...LEAVES], // the resolver feeds FQDN answers to policy
  runtime: ['kernel', 'exec', 'store', ...LEAVES],
  policy: ['kernel', 'ipam', 'firewall', ...LEAVES],
  engine: ['drivers', 'dns', 'runtime', 'policy', 'ports', 'kernel', 'cluster', 'ipam', 'firewall', 'store', ...LEAVES],
  api: ['engine', ...LEAVES], // api reaches runtime, drivers and the kernel only through the engine
  cni: ['engine', ...LEAVES],
  client: [...LEAVES],
  ui: ['client', ...LEAVES],
  daemon: ['api', 'cni', 'ui', 'engine', 'drivers', 'dns', 'runtime', 'policy', 'ports', 'kernel', 'cluster', 'ipam', 'firewall', 'store', 'exec', ...LEAVES],
  cli: ['daemon', 'client', ...LEAVES],
};
const EXCEPTIONS = [];

const TEST_CODE = '\\.(test|test-support|contract)\\.ts$';
const folders = Object.keys(LAYERS);

module.exports = {
  forbidden: [
    ...folders.map((folder) => ({
      name: `layer-${folder}`,
      comment: `src/${folder}/ may import only: ${LAYERS[folder].join(', ') || 'nothing in src/'}`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: '^src/', pathNot: `^src/(${[folder, ...LAYERS[folder]].join('|')})/` },
    })),
    {
      name: 'unknown-folder',
      comment: 'every folder of src/ has a place in the layer table (.dependency-cruiser.cjs)',
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/(${folders.join('|')})/` },
      to: {},
    },
    {
      name: 'driver-to-driver',
      comment: 'a driver never imports another driver; shared parts live in drivers/common',
      severity: 'error',
      from: { path: '^src/drivers/([^/]+)/' },
      to: { path: '^src/drivers/[^/]+/', pathNot: ['^src/drivers/$1/', '^src/drivers/common/'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...EXCEPTIONS,
  ],
  options: {
    exclude: { path: TEST_CODE },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    reporterOptions: {
      mermaid: { minify: false },
    },
  },
};
