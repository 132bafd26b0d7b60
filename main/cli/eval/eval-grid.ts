// `diffgraph eval`: run a graph over a grid of widget values (× seeds), score each cell's images
// against a reference set, and write eval.json plus a plot of each score against a numeric axis.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { DeviceName } from '../../../nodes/api.ts';
import { defaultRegistry } from '../../engine/registry.ts';
import { EngineClient } from '../../engine/transport/client.ts';
import { loadFeatureModel } from '../../eval/feature-model.ts';
import { frechetDistance } from '../../eval/frechet.ts';
import { buildGrid, type GridCell } from '../../eval/grid.ts';
import { listImages, readImage } from '../../eval/image-sets.ts';
import { kernelInceptionDistance } from '../../eval/kid.ts';
import { lineChartSvg, type Series } from '../../eval/plot.ts';
import { SessionPool } from '../../runtime/session-pool.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { runBatch } from '../run/batch.ts';
import { Interrupt } from '../run/interrupt.ts';
import { planBatch } from '../run/jobs.ts';
import { Manifest } from '../run/manifest.ts';
import type { Reporter } from '../run/report.ts';
import { LineReporter } from '../run/report-lines.ts';
import type { Override } from '../run/set-option.ts';
import { modelSearchPath, resolveCliPaths } from '../util/paths.ts';

export interface EvalOptions {
  set: Override[];
  seeds: number[];
  reference: string;
  features: string;
  metrics: ('fid' | 'kid')[];
  out: string;
  models?: string;
  device: DeviceName;
}

export interface EvalCell {
  values: Record<string, string>;
  images: string[];
  scores: Record<string, number>;
  n: number;
}

/** Runs every cell on one engine, recording the images each cell's runs wrote. */
async function runCells(graph: string, cells: GridCell[], options: EvalOptions): Promise<string[][]> {
  const registry = defaultRegistry();
  const plans = [];
  for (const cell of cells) {
    plans.push(
      await planBatch([graph], registry, { overrides: cell.overrides, seeds: options.seeds, repeat: 1 }),
    );
  }
  const paths = resolveCliPaths({ models: options.models, out: options.out });
  await mkdir(paths.output, { recursive: true });
  const manifest = await Manifest.open(paths.output);
  const client = await EngineClient.start({
    paths,
    device: options.device,
    modelSearchPath: modelSearchPath(paths),
    allowAbsolutePaths: true,
  });
  const interrupt = new Interrupt((message) => process.stderr.write(`${message}\n`));
  const images: string[][] = [];
  try {
    const device = options.device === 'auto' ? await client.autoDevice() : options.device;
    for (const jobs of plans) {
      const written: string[] = [];
      const lines = new LineReporter();
      const reporter: Reporter = {
        batchStarted: (info) => lines.batchStarted(info),
        runStarted: (job) => lines.runStarted(job),
        event: (job, event) => lines.event(job, event),
        notice: (message) => lines.notice(message),
        batchFinished: (summary) => lines.batchFinished(summary),
        runFinished(job, run) {
          lines.runFinished(job, run);
          for (const o of run.outputs) if (o.kind === 'image') written.push(o.path);
        },
      };
      const code = await runBatch(jobs, {
        client,
        device,
        manifest,
        reporter,
        interrupt,
        continueOnError: false,
      });
      if (code !== 0) throw new Error(`a run of the grid failed (exit ${code}); see the messages above`);
      images.push(written);
    }
  } finally {
    interrupt.dispose();
    await client.close();
  }
  return images;
}

export async function evaluateGrid(
  graph: string,
  options: EvalOptions,
): Promise<{ cells: EvalCell[]; files: string[] }> {
  const { axes, cells } = buildGrid(options.set);
  const model = await loadFeatureModel(new SessionPool(), options.features, options.device);
  const reference = await model.extract(
    await Promise.all((await listImages(options.reference)).map(readImage)),
  );
  const written = await runCells(graph, cells, options);
  const results: EvalCell[] = [];
  for (const [i, cell] of cells.entries()) {
    const features = await model.extract(await Promise.all(written[i].map(readImage)));
    const scores: Record<string, number> = {};
    if (options.metrics.includes('fid')) scores.fid = frechetDistance(features, reference).fid;
    if (options.metrics.includes('kid')) {
      const kid = kernelInceptionDistance(features, reference);
      scores.kid = kid.kid;
      scores.kid_std = kid.std;
    }
    results.push({ values: cell.values, images: written[i], scores, n: features.count });
  }
  const out = options.out;
  const report = {
    format: 'diffgraph-eval',
    version: 1,
    graph,
    reference: { path: options.reference, n: reference.count },
    features: model.config.name ?? options.features,
    seeds: options.seeds,
    axes,
    cells: results,
  };
  const files = [join(out, 'eval.json')];
  await writeFileAtomic(files[0], `${JSON.stringify(report, null, 2)}\n`);
  files.push(...(await writePlots(out, axes, results, options.metrics)));
  return { cells: results, files };
}

/** One plot per metric against the first axis whose values are all numbers. */
async function writePlots(
  out: string,
  axes: ReturnType<typeof buildGrid>['axes'],
  cells: EvalCell[],
  metrics: string[],
) {
  const xAxis = axes.find((a) => a.values.every((v) => Number.isFinite(Number(v))));
  if (!xAxis) return [];
  const xKey = `${xAxis.nodeId}.${xAxis.widget}`;
  const files: string[] = [];
  for (const metric of metrics) {
    const bySeries = new Map<string, Series>();
    for (const cell of cells) {
      const label =
        Object.entries(cell.values)
          .filter(([k]) => k !== xKey)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ') || metric;
      const series = bySeries.get(label) ?? { label, points: [] };
      series.points.push({ x: Number(cell.values[xKey]), y: cell.scores[metric] });
      bySeries.set(label, series);
    }
    const svg = lineChartSvg(`${metric.toUpperCase()} against ${xKey}`, xKey, metric.toUpperCase(), [
      ...bySeries.values(),
    ]);
    const svgPath = join(out, `eval-${metric}.svg`);
    await writeFileAtomic(svgPath, svg);
    const pngPath = join(out, `eval-${metric}.png`);
    await writeFileAtomic(pngPath, await sharp(Buffer.from(svg)).png().toBuffer());
    files.push(svgPath, pngPath);
  }
  return files;
}
