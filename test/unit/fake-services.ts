// Fake node services for testing nodes without files, ONNX or sharp: an in-memory file store with
// the numbering rule of the real one, and services that fail loudly when a test did not expect them.
import type {
  CheckpointLoaders,
  ImageCodec,
  ModelLoaders,
  NodeContext,
  NodeFiles,
  NodeOutputFile,
  NodeServices,
} from '../../nodes/api.ts';
import type { EvaluationService } from '../../nodes/evaluation-service.ts';
import type { EmbeddingLoader } from '../../nodes/text/embedding-service.ts';
import type { TrainingService } from '../../nodes/training-service.ts';

function unexpected(service: string): never {
  throw new Error(`the test did not expect a call to ctx.services.${service}`);
}

/** Files in a Map: names are paths as given (`input/a.npy`), outputs are `output/<prefix>_NNNNN<ext>`. */
export class MemoryFiles implements NodeFiles {
  readonly store = new Map<string, Uint8Array>();

  inputPath(name: string): string {
    if (name.includes('..')) throw new Error(`"${name}" leaves its folder`);
    return name.startsWith('output/') ? name : `input/${name}`;
  }
  isFile(path: string): boolean {
    return this.store.has(path);
  }
  async read(path: string): Promise<Uint8Array> {
    const bytes = this.store.get(path);
    if (!bytes) throw new Error(`ENOENT: ${path}`);
    return bytes;
  }
  async fingerprint(path: string): Promise<string> {
    return `${path}:${(await this.read(path)).join(',')}`;
  }
  outputPrefix(prefix: string): string {
    return prefix;
  }
  async writeNumbered(prefix: string, ext: string, data: Uint8Array): Promise<string> {
    for (let counter = 1; ; counter++) {
      const path = `output/${prefix}_${String(counter).padStart(5, '0')}${ext}`;
      if (!this.store.has(path)) {
        this.store.set(path, data);
        return path;
      }
    }
  }
  embedGraph(): Uint8Array {
    return unexpected('files.embedGraph');
  }
}

export function fakeServices(overrides: Partial<NodeServices> = {}): NodeServices {
  const refuse = <T extends object>(name: string) =>
    new Proxy({} as T, { get: (_target, key) => () => unexpected(`${name}.${String(key)}`) });
  return {
    models: refuse<ModelLoaders>('models'),
    checkpoints: refuse<CheckpointLoaders>('checkpoints'),
    images: refuse<ImageCodec>('images'),
    files: refuse<NodeFiles>('files'),
    evaluation: refuse<EvaluationService>('evaluation'),
    embeddings: refuse<EmbeddingLoader>('embeddings'),
    training: refuse<TrainingService>('training'),
    ...overrides,
  };
}

/** A NodeContext over fake services that records warnings and output files. */
export function fakeContext(services: NodeServices = fakeServices(), graph: unknown = null) {
  const warnings: string[] = [];
  const outputs: NodeOutputFile[] = [];
  const ctx: NodeContext = {
    nodeId: 'n',
    signal: new AbortController().signal,
    progress() {},
    warn: (message) => {
      warnings.push(message);
    },
    output: (file) => {
      outputs.push(file);
    },
    log: { info() {}, warn() {}, error() {} },
    runtime: {
      paths: { models: 'models', input: 'input', output: 'output' },
      modelSearchPath: [],
      device: 'cpu',
      allowAbsolutePaths: false,
      service: (_key, create) => create(),
    },
    run: { graph, modelReferences: async () => [] },
    services,
  };
  return { ctx, warnings, outputs };
}
