// The dependency rules `npm run depcheck` enforces (dependency-cruiser). Layers, from the bottom:
// nodes/ (the catalogue, pure TypeScript over nodes/api.ts) <- main/ (engine, runtime, hosts) and
// renderer/ (the editor, in a browser: it may use only browser-safe code).

/** Folders of main/ that run in a browser (the editor imports them). */
const BROWSER_SAFE = '^main/(host/shared|rpc)/';
/** npm packages that need Node, native code or a desktop shell. */
const NODE_ONLY_PACKAGES =
  'node_modules/(onnxruntime-node|sharp|electron|electron-builder|ws|bullmq|ioredis|proper-lockfile|cli-progress|commander|tsx|onnx-proto|protobufjs|playwright-core)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'nodes-only-use-the-node-api',
      comment:
        'nodes/ depends only on nodes/api.ts, nodes/types.ts and nodes/ helpers; files, ONNX and images reach nodes as services on the node context',
      severity: 'error',
      from: { path: '^nodes/' },
      to: { path: '^main/' },
    },
    {
      name: 'browser-code-no-node-builtins',
      comment: 'the editor and the browser-safe host modules run in a browser: no node: builtins',
      severity: 'error',
      from: { path: ['^renderer/', BROWSER_SAFE] },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'browser-code-no-node-only-main',
      comment:
        'the editor reaches main/ only through the browser-safe host folder (main/host/shared, main/rpc); type-only imports are erased and allowed',
      severity: 'error',
      from: { path: ['^renderer/', BROWSER_SAFE] },
      to: { path: '^main/', pathNot: BROWSER_SAFE, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'browser-code-no-node-only-packages',
      comment: 'native and Node-only npm packages cannot load in a browser',
      severity: 'error',
      from: { path: ['^renderer/', BROWSER_SAFE] },
      to: { path: NODE_ONLY_PACKAGES, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-folder-cycles',
      comment:
        'the folders of main/ and nodes/ depend on each other in one direction only (type-only imports count)',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(main|nodes|bin)(/|$)' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles-in-the-editor',
      comment:
        'the editor folders (doc, store, hooks, flow, widgets, panels) import in one direction: no folder cycles',
      severity: 'error',
      scope: 'folder',
      from: { path: '^renderer/' },
      to: { circular: true },
    },
    {
      name: 'nothing-imports-tests',
      comment:
        'test/ code is for tests: the app must not need it (benches and the scripts that record test fixtures may)',
      severity: 'error',
      from: { pathNot: '^(test|bench|scripts/reference)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)(node_modules|dist|out|test-output)/' },
  },
};
