#!/usr/bin/env node
// Entry point of the `diffgraph` command. The sources are TypeScript, loaded through tsx so a
// fresh `npm ci` runs without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../main/cli/main.ts');
