// Electron utilityProcess entry for the engine. The sources are TypeScript ES modules, loaded
// through tsx (as the CLI and main.cjs do), so the app runs without a separate build step.
// tsx's ESM API is imported (not required): its CommonJS build cannot register the ESM loader.
import('tsx/esm/api')
  .then(({ register }) => {
    register();
    return import('./engine-host.ts');
  })
  .catch((error) => {
    console.error('Diffgraph engine process failed to start:', error);
    process.exit(1);
  });
