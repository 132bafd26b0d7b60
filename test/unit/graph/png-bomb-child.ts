// Run in a child process by png-bomb.test.ts: reads the graph text of one PNG and reports what it
// found and the process's peak resident memory, so the parent can assert memory stayed bounded.
import { readFileSync } from 'node:fs';
import { readGraphTextChunks } from '../../../main/graph/png-text.ts';

const png = readFileSync(process.argv[2] as string);
let outcome: { keywords?: string[]; error?: string };
try {
  outcome = { keywords: readGraphTextChunks(png).map((text) => text.keyword) };
} catch (error) {
  outcome = { error: (error as Error).message };
}
// resourceUsage().maxRSS is in kilobytes.
process.stdout.write(JSON.stringify({ ...outcome, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
