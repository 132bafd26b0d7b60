// What `diffgraph validate` needs, loaded only when it runs (node catalogue, graph loader).
export { defaultRegistry } from '../../engine/registry.ts';
export { validateGraph } from '../../engine/compile/validate.ts';
export { loadGraphFile } from '../../graph/load.ts';
export { formatProblem, loadProblems } from '../util/problems.ts';
