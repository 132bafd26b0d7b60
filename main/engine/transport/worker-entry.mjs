// Worker thread entry: plain JavaScript so Node can start it without a build step; tsx's loader
// is registered inside the worker (loaders are per thread) and the TypeScript worker imported.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
