// What `diffgraph validate` needs, loaded only when it runs (node catalogue, graph loader).
export { defaultRegistry } from '../../engine/registry.ts';
export { validateGraph } from '../../engine/validate.ts';
export { importReportOf, loadGraphFile } from '../../graph/load.ts';
export { formatImportReport } from '../../interop/import-file.ts';
export { formatProblem, loadProblems } from '../util/problems.ts';
