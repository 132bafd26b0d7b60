// The services nodes reach through `ctx.services` (declared in nodes/services.ts), built here for
// the engine. Each factory gets the call's scope; native modules (onnxruntime-node, sharp) are
// imported only inside the methods that use them, so building the catalogue, validating a graph
// or listing nodes never loads them.
//
// A new service is one more entry in SERVICE_FACTORIES (and its interface in NodeServices): the
// mapped type makes a missing or mistyped entry a compile error, and the engine is not touched.
import type { ModelReference, NodeServices, RunScope, RuntimeServices, WidgetSpec } from '../../nodes/api.ts';
import { createCheckpointLoaders } from './checkpoints.ts';
import { createEmbeddingLoader } from './embeddings.ts';
import { createEvaluation } from './evaluation.ts';
import { createNodeFiles } from './files.ts';
import { createImageCodec } from './images.ts';
import { createModelLoaders } from './models.ts';
import { createTraining } from './training.ts';

/** What one node call's services are built from. */
export interface ServiceScope {
  runtime: RuntimeServices;
  run: RunScope;
  /** A notice on the calling node (e.g. a model found by its hash under another name). */
  warn(message: string): void;
}

export type WidgetsOf = (type: string) => readonly WidgetSpec[] | undefined;

/** What the engine is given to equip node contexts: per-call services and per-run model references. */
export interface NodeServiceProvider {
  services(scope: ServiceScope): NodeServices;
  /** The models `graph` names (its widgets, declared by `widgetsOf`), resolved under this runtime. */
  modelReferences(runtime: RuntimeServices, graph: unknown, widgetsOf: WidgetsOf): Promise<ModelReference[]>;
}

type ServiceFactories = { [K in keyof NodeServices]: (scope: ServiceScope) => NodeServices[K] };

const SERVICE_FACTORIES: ServiceFactories = {
  models: createModelLoaders,
  checkpoints: createCheckpointLoaders,
  images: createImageCodec,
  files: createNodeFiles,
  evaluation: createEvaluation,
  embeddings: createEmbeddingLoader,
  training: createTraining,
};

/** Services built on first access, so a node that uses none costs nothing. */
function lazyServices(scope: ServiceScope): NodeServices {
  const services = {} as NodeServices;
  for (const key of Object.keys(SERVICE_FACTORIES) as (keyof NodeServices)[]) {
    Object.defineProperty(services, key, {
      enumerable: true,
      configurable: true,
      get() {
        const made = SERVICE_FACTORIES[key](scope);
        Object.defineProperty(services, key, { value: made, enumerable: true });
        return made;
      },
    });
  }
  return services;
}

export const runtimeNodeServices: NodeServiceProvider = {
  services: lazyServices,
  async modelReferences(runtime, graph, widgetsOf) {
    const { graphModelReferences } = await import('../runtime/model-refs.ts');
    return graphModelReferences(runtime, widgetsOf, graph);
  },
};
