// The browser tests and the editor bench build the editor the way `diffgraph serve` does.
export { DIST_DIR, ensureEditorBuilt } from '../../../main/server/editor-build.ts';
