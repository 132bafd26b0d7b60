// What `diffgraph validate` needs, loaded only when it runs (node catalogue, graph loader).
export { validateGraph } from '../../engine/compile/validate.ts';
export { loraFitProblems } from '../../engine/lora-fit-checks.ts';
export { modelShapeProblems } from '../../engine/model-shape-checks.ts';
export { defaultRegistry } from '../../engine/registry.ts';
export { createRuntimeServices } from '../../engine/runtime-services.ts';
export { formatImportReport } from '../../interop/import-file.ts';
export { loadAnyGraphFile } from '../../interop/load-graph-file.ts';
export { modelSearchPath, resolveCliPaths } from '../util/paths.ts';
export { formatProblem, loadProblems } from '../util/problems.ts';
