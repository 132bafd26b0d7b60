// Electron entry (package.json "main"). The main-process sources are TypeScript ES modules,
// loaded through tsx like the CLI, so the app runs from a fresh checkout without a build step.
// tsx's ESM API is imported (not required): its CommonJS build cannot register the ESM loader.
import('tsx/esm/api')
  .then(({ register }) => {
    register();
    return import('./app.ts');
  })
  .catch((error) => {
    console.error('Diffgraph failed to start:', error);
    process.exit(1);
  });
