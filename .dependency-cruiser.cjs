/**
 * The layering of the house (docs/architecture.md), checked on every `npm test`. Each rule's name
 * is what a violation prints, so it says which promise the import breaks.
 */
const FEATURES = '(alerts|cadence|routing|sampling|rollout|gates|platforms|report|team)';
const BELOW_FEATURES = '(audit|storage|lib|engine|metrics|stream)';

module.exports = {
  forbidden: [
    {
      name: 'renderer-imports-shared-only',
      comment: 'The page talks to the core only through the bridge contract in shared/.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(electron|sim|relay|protocol-server|scripts|test)/' },
    },
    {
      name: 'shared-is-pure',
      comment: 'shared/ holds the contracts every layer compiles against, so it imports none of them.',
      severity: 'error',
      from: { path: '^shared/' },
      to: {
        path: '^(electron|renderer|sim|relay|protocol-server|scripts|test)/',
      },
    },
    {
      name: 'shared-uses-node-builtins',
      comment: 'shared/ compiles into the page too.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'sim-imports-shared-and-protocol-server-only',
      comment: 'The simulator speaks the same protocol as a real platform and knows nothing of the console.',
      severity: 'error',
      from: { path: '^sim/' },
      to: { path: '^(electron|renderer|relay|scripts|test)/' },
    },
    {
      name: 'relay-imports-shared-and-protocol-server-only',
      comment: 'The relay runs on its own server, next to no console.',
      severity: 'error',
      from: { path: '^relay/' },
      to: { path: '^(electron|renderer|sim|scripts|test)/' },
    },
    {
      name: 'protocol-server-imports-shared-only',
      comment: 'Protocol code the simulator and the relay share depends on the contracts alone.',
      severity: 'error',
      from: { path: '^protocol-server/' },
      to: { path: '^(electron|renderer|sim|relay|scripts|test)/' },
    },
    {
      name: 'core-never-imports-electron',
      comment: 'Every line of the core runs in plain Node and in tests; only the shell imports electron.',
      severity: 'error',
      from: { path: '^electron/core/' },
      to: { path: '(^|/)node_modules/electron/' },
    },
    {
      name: 'core-imports-shared-only',
      comment: 'The core sits below the hosts and beside the renderer, simulator and relay.',
      severity: 'error',
      from: { path: '^electron/core/' },
      to: { path: '^(renderer|sim|relay|scripts|test)/|^electron/(?!core/)' },
    },
    {
      name: 'features-never-import-each-other',
      comment: 'A feature exposes read-only queries; only the console service composes features.',
      severity: 'error',
      from: { path: `^electron/core/${FEATURES}/` },
      to: { path: `^electron/core/${FEATURES}/`, pathNot: '^electron/core/$1/' },
    },
    {
      name: 'features-never-import-the-service',
      comment: 'The service composes features, not the other way round.',
      severity: 'error',
      from: { path: `^electron/core/${FEATURES}/` },
      to: { path: '^electron/core/[^/]+\\.ts$' },
    },
    {
      name: 'audit-and-storage-import-no-feature',
      comment: 'Audit, storage and the other foundations sit beneath every feature.',
      severity: 'error',
      from: { path: `^electron/core/${BELOW_FEATURES}/` },
      to: { path: `^electron/core/${FEATURES}/|^electron/core/[^/]+\\.ts$` },
    },
    {
      name: 'shell-never-imports-web-host',
      comment: 'The desktop shell and the web host are siblings over the same core.',
      severity: 'error',
      from: { path: '^electron/(main\\.ts|preload\\.ts|shell/)' },
      to: { path: '^electron/(web-host\\.ts|web/|serve\\.ts|server/)' },
    },
    {
      name: 'web-host-never-imports-electron',
      comment: 'The web host and the console server run where no Electron binary exists.',
      severity: 'error',
      from: { path: '^electron/(web-host\\.ts|web/|serve\\.ts|server/|host-common/)' },
      to: { path: '(^|/)node_modules/electron/|^electron/(main\\.ts|preload\\.ts|shell/)' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle of runtime imports makes two modules one in all but name (type-only cycles erase at build).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|release)/' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
