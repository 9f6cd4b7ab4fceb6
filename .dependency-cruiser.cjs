// The rooms of lib/ and what each may import (README "Development", docs/architecture.md).
// `npm test` runs `depcruise` with this file; a broken rule fails the run.
/** @type {import('dependency-cruiser').IConfiguration} */

// The core's folders, lowest first: each may import only the ones before it.
const CORE_ORDER = ['model', 'semantics', 'policy', 'intake', 'engine', 'scan', 'remediation', 'delivery', 'deploy'];

const coreOrderRules = CORE_ORDER.slice(0, -1).map((folder, i) => ({
  name: `core-${folder}-below-${CORE_ORDER.slice(i + 1).join('-')}`,
  comment: `lib/core/${folder} may not import the core folders built on it.`,
  severity: 'error',
  from: { path: `^lib/core/${folder}/` },
  to: { path: `^lib/core/(${CORE_ORDER.slice(i + 1).join('|')})/` },
}));

/** A room of lib/ may import only the rooms listed. */
function room(name, allowed, comment) {
  const rooms = ['core', 'io', 'aws', 'render', 'runtime', 'cli'];
  const forbidden = rooms.filter((r) => r !== name && !allowed.includes(r));
  return {
    name: `${name}-imports-only-${allowed.length ? allowed.join('-') : 'itself'}`,
    comment,
    severity: 'error',
    from: { path: `^lib/${name}/` },
    to: {
      path: `^(lib/(${forbidden.join('|') || 'NONE'})/|infra/|handlers/|test/|bench/|scripts/|bin/)`,
    },
  };
}

module.exports = {
  forbidden: [
    room('core', [], 'The core is pure: model, semantics, policy, intake, engine, scan, delivery and their ports.'),
    room('io', ['core'], 'File I/O reads and writes files into core types.'),
    room('aws', ['core', 'render'], 'AWS adapters implement the core ports with the SDK.'),
    room('render', ['core'], 'Rendering is pure: findings and reports to text.'),
    room('runtime', ['core', 'io', 'aws', 'render'], 'The Lambda runtime composes the others.'),
    room('cli', ['core', 'io', 'aws', 'render'], 'The CLI composes the others; never the Lambda runtime.'),
    ...coreOrderRules,
    {
      name: 'core-is-pure',
      comment:
        'The core imports only the core: no file, network, process, package or file outside lib/core; node:crypto for ids.',
      severity: 'error',
      from: { path: '^lib/core/' },
      to: { pathNot: ['^lib/core/', '^(node:)?crypto$'] },
    },
    {
      name: 'render-is-pure',
      comment: 'Rendering imports only the core and itself: no package, no Node.js module.',
      severity: 'error',
      from: { path: '^lib/render/' },
      to: { pathNot: '^lib/(core|render)/' },
    },
    {
      name: 'sdk-only-in-adapters',
      comment: 'Only lib/aws imports the AWS SDK (infra/, test/ and bench/ may, for types and fakes).',
      severity: 'error',
      from: { path: '^(lib|handlers|bin)/', pathNot: '^lib/aws/' },
      to: { path: '@aws-sdk/' },
    },
    {
      name: 'handlers-are-thin',
      comment: 'A handler only wires the Lambda runtime.',
      severity: 'error',
      from: { path: '^handlers/' },
      to: { path: '^lib/', pathNot: '^lib/runtime/' },
    },
    {
      name: 'infra-reads-contracts-only',
      comment: 'infra/ may read the core (event catalogue) and the AWS adapters (table layout).',
      severity: 'error',
      from: { path: '^infra/' },
      to: { path: '^(lib/(io|render|runtime|cli)/|handlers/|test/|bench/)' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles, within a room or between rooms.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    exclude: { path: '^(dist|coverage|\\.serverless)/' },
  },
};
