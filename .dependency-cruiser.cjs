/**
 * The dependency rules of src/, checked by `npm run lint`. A folder of src/ is a module; what another
 * module may use of it is what its index.ts exports.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import circle: each one makes start-up order and module boundaries fragile.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'normalize-is-pure',
      comment:
        'normalize/ is pure functions from frames to events: it imports only itself and common/.',
      severity: 'error',
      from: { path: '^src/normalize/', pathNot: '\\.spec\\.ts$' },
      to: { pathNot: ['^src/normalize/', '^src/common/'] },
    },
    {
      name: 'module-internals',
      comment: "A module uses another module only through that module's index.ts.",
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: '\\.spec\\.ts$' },
      to: {
        path: '^src/[^/]+/',
        pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$', '^src/generated/'],
      },
    },
    {
      name: 'root-through-index',
      comment: 'The root files (main, app, app.module) use modules only through their index.ts.',
      severity: 'error',
      from: { path: '^src/[^/]+\\.ts$' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'src-not-test-or-bench',
      comment: 'The service never imports test or benchmark code (its unit tests, *.spec.ts, may).',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.check.json' },
  },
};
