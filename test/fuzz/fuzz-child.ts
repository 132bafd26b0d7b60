// Runs by fuzz.test.ts in a child process with a capped heap: every case goes through what
// `diffgraph validate` does (load the file, validate, print one line per problem) and, when
// validation fails, through Engine.run, which must refuse it as a failed run. Prints a summary.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem, loadProblems } from '../../main/cli/util/problems.ts';
import { validateGraph } from '../../main/engine/compile/validate.ts';
import { Engine } from '../../main/engine/execute/engine.ts';
import { defaultRegistry } from '../../main/engine/registry.ts';
import { createRuntimeServices } from '../../main/engine/runtime-services.ts';
import { loadGraphFile } from '../../main/graph/load.ts';
import { malformedCases } from './malformed-inputs.ts';

const [dir, seedText, countText] = process.argv.slice(2) as [string, string, string];
const registry = defaultRegistry();
const runtime = createRuntimeServices({ paths: { models: dir, input: dir, output: dir }, device: 'cpu' });
const engine = new Engine({ registry, runtime, logger: { info() {}, warn() {}, error() {} } });

interface Outcome {
  name: string;
  exit: number;
  ms: number;
  output: string;
}

/** The validate command's contract: 0 valid, 2 invalid or unreadable; anything thrown otherwise is a crash (1). */
async function validateLike(path: string): Promise<{ exit: number; output: string; doc?: unknown }> {
  let doc: unknown;
  try {
    doc = await loadGraphFile(path);
  } catch (error) {
    const lines = loadProblems(path, error);
    const crashed = !(error instanceof Error) || error.name !== 'GraphLoadError';
    return {
      exit: crashed ? 1 : 2,
      output: `${lines.join('\n')}${crashed ? `\n${(error as Error).stack}` : ''}`,
    };
  }
  const problems = validateGraph(doc, registry);
  return {
    exit: problems.length === 0 ? 0 : 2,
    output: problems.map((p) => formatProblem(p)).join('\n'),
    doc,
  };
}

const outcomes: Outcome[] = [];
for (const fuzzCase of malformedCases(Number(seedText), Number(countText))) {
  const path = join(dir, `${fuzzCase.name}${fuzzCase.ext}`);
  writeFileSync(path, fuzzCase.bytes);
  const started = performance.now();
  let outcome: { exit: number; output: string; doc?: unknown };
  try {
    outcome = await validateLike(path);
    if (outcome.exit === 2 && outcome.doc !== undefined) {
      const result = await engine.run(outcome.doc);
      if (result.status !== 'failed')
        outcome = { exit: 1, output: `run did not refuse an invalid graph: ${result.status}` };
    }
  } catch (error) {
    outcome = { exit: 1, output: String((error as Error)?.stack ?? error) };
  }
  outcomes.push({
    name: fuzzCase.name,
    exit: outcome.exit,
    ms: performance.now() - started,
    output: outcome.output,
  });
}
process.stdout.write(JSON.stringify({ outcomes, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
