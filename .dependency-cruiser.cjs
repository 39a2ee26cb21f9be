// The architecture as rules (dependency-cruiser 17): which folder of src/ may import which, no cycles (type imports
// count), and nothing imports the public entry or the CLI. Run by test/architecture/imports.test.ts in `npm test`;
// by hand: npx depcruise src. Paths are relative to the cruise's base directory (the repository, or a fixture tree).

// folder -> the folders it may import (besides itself and the shared leaves src/errors.ts, src/tensor.ts)
const MAY_IMPORT = {
  cli: ['interop', 'model', 'data', 'viz', 'io', 'core'],
  interop: ['model', 'layers', 'data', 'io', 'core'],
  model: ['layers', 'data', 'io', 'core'],
  layers: ['core'],
  data: ['io'],
  io: ['core'],
  viz: [],   // renders plain data (explain()'s JSON) into strings: nothing of models, layers or the core
  core: [],
};
const LEAVES = '^src/(errors|tensor)\\.ts$';

module.exports = {
  forbidden: [
    ...Object.entries(MAY_IMPORT).map(([folder, may]) => ({
      name: `${folder}-imports-only-${may.length ? may.join('-') : 'itself'}`,
      comment: `src/${folder} may import ${[folder, ...may].map((f) => `src/${f}`).join(', ')} and the shared leaves, nothing else in src/.`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: '^src/', pathNot: [`^src/(${[folder, ...may].join('|')})/`, LEAVES] },
    })),
    {
      name: 'leaves-import-only-leaves',
      comment: 'src/errors.ts and src/tensor.ts are shared leaves: they import nothing but each other.',
      severity: 'error',
      from: { path: LEAVES },
      to: { path: '^src/', pathNot: LEAVES },
    },
    {
      name: 'no-import-of-index',
      comment: 'src/index.ts is the public API (re-exports only): nothing inside src/ imports it.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/index\\.ts$' },
    },
    {
      name: 'no-import-of-cli',
      comment: 'src/cli is the bin: only its own files import it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'src-imports-only-src',
      comment: 'The package is src/ (and its npm dependencies): it never imports tests, benchmarks, scripts or examples.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts|examples)/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles in src/, type-only imports included.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves to a file or a package.',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|build)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    // packages that export ESM only (h5wasm: an "import" condition, no "require") resolve too
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
