// Turn graph files plus --set/--seeds/--repeat into the list of runs, checking everything first:
// a batch either starts with every run known to be valid, or reports every problem and runs nothing.
import { validateGraph } from '../../engine/compile/validate.ts';
import type { NodeRegistry } from '../../engine/registry.ts';
import type { GraphDocument } from '../../graph/schema.ts';
import { applySeedControl } from '../../graph/seed-control.ts';
import { formatImportReport } from '../../interop/import-file.ts';
import { type LoadedAnyGraph, loadAnyGraphFile } from '../../interop/load-graph-file.ts';
import { CliError } from '../exit.ts';
import { formatProblem, loadProblems } from '../util/problems.ts';
import { applyOverrides } from './overrides.ts';
import { type Override, overrideKey } from './set-option.ts';

export interface BatchPlanOptions {
  overrides: readonly Override[];
  /** Seeds to run each graph with (every seed widget not named by --set), or null to keep the graph's. */
  seeds: readonly number[] | null;
  /** Runs per graph and seed, with the seed widgets' after-run control applied between them. */
  repeat: number;
  /** Model folders where models an imported ComfyUI/A1111 file names are looked for by hash. */
  modelSearchPath?: readonly string[];
}

export interface Job {
  /** 1-based position in the batch. */
  index: number;
  /** The graph file as given on the command line. */
  file: string;
  doc: GraphDocument;
  overrides: Record<string, unknown>;
  /** The --seed/--seeds value of this run, else the graph's first seed widget (null when none). */
  seed: number | null;
  /** Every seed widget's value in this run, by `nodeId.widget`. */
  seedWidgets: Record<string, number>;
  /** 1-based repetition (for --repeat). */
  repeat: number;
}

export async function planBatch(
  files: readonly string[],
  registry: NodeRegistry,
  options: BatchPlanOptions,
): Promise<Job[]> {
  const problems: string[] = [];
  const jobs: Job[] = [];
  for (const file of files) {
    const planned = await planGraph(file, registry, options, problems);
    for (const job of planned) jobs.push({ ...job, index: jobs.length + 1 });
  }
  if (problems.length > 0) throw new CliError([...new Set(problems)]);
  return jobs;
}

async function planGraph(
  file: string,
  registry: NodeRegistry,
  options: BatchPlanOptions,
  problems: string[],
): Promise<Omit<Job, 'index'>[]> {
  let loaded: LoadedAnyGraph;
  try {
    loaded = await loadAnyGraphFile(file, options.modelSearchPath);
  } catch (error) {
    problems.push(...loadProblems(file, error));
    return [];
  }
  const { doc, problems: textProblems, importReport } = loaded;
  if (importReport)
    for (const line of formatImportReport(importReport)) process.stderr.write(`${file}: ${line}\n`);
  const applied = applyOverrides(doc, registry, options.overrides, file);
  problems.push(...applied.problems);
  const seedTargets = seedWidgets(doc, registry).filter((key) => !(key in applied.values));
  if (options.seeds && seedTargets.length === 0) {
    problems.push(
      `${file}: --seed/--seeds: the graph has no seed widget to set (that is not fed by a wire or --set)`,
    );
  }
  const jobs: Omit<Job, 'index'>[] = [];
  for (const seed of options.seeds ?? [null]) {
    let current = structuredClone(doc);
    if (seed !== null) for (const key of seedTargets) setWidget(current, key, seed);
    for (let repeat = 1; repeat <= options.repeat; repeat += 1) {
      const seeds = seedValues(current, registry);
      jobs.push({
        file,
        doc: current,
        overrides: applied.values,
        seed: seed ?? firstValue(seeds),
        seedWidgets: seeds,
        repeat,
      });
      current = applySeedControl(current, registry);
    }
  }
  // What only the file's text showed (repeated ids): the parsed document cannot carry it.
  for (const problem of textProblems) problems.push(formatProblem(problem, file));
  for (const job of jobs) {
    for (const problem of validateGraph(job.doc, registry)) problems.push(formatProblem(problem, file));
  }
  return jobs;
}

/** `nodeId.widget` of every seed widget that is not fed by a wire (muted/bypassed nodes included). */
function seedWidgets(doc: GraphDocument, registry: NodeRegistry): string[] {
  const wired = new Set(doc.edges.map((edge) => `${edge.to[0]}.${edge.to[1]}`));
  const keys: string[] = [];
  for (const [nodeId, node] of Object.entries(doc.nodes)) {
    for (const widget of registry.get(node.type)?.widgets ?? []) {
      const key = overrideKey({ nodeId, widget: widget.name });
      if (widget.kind === 'seed' && !wired.has(key)) keys.push(key);
    }
  }
  return keys;
}

/** Seed widgets' values in a run (the widget's default where the file leaves it out). */
function seedValues(doc: GraphDocument, registry: NodeRegistry): Record<string, number> {
  const values: Record<string, number> = {};
  for (const key of seedWidgets(doc, registry)) {
    const [nodeId, widget] = splitKey(key);
    const node = doc.nodes[nodeId];
    const spec = registry.get(node.type)?.widgets.find((candidate) => candidate.name === widget);
    const value = widget in node.widgets ? node.widgets[widget] : spec?.default;
    if (typeof value === 'number') values[key] = value;
  }
  return values;
}

function setWidget(doc: GraphDocument, key: string, value: unknown): void {
  const [nodeId, widget] = splitKey(key);
  doc.nodes[nodeId].widgets[widget] = value;
}

function splitKey(key: string): [string, string] {
  const dot = key.lastIndexOf('.');
  return [key.slice(0, dot), key.slice(dot + 1)];
}

function firstValue(values: Record<string, number>): number | null {
  const first = Object.values(values)[0];
  return first ?? null;
}
