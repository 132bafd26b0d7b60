// What a node shows about the latest run: a badge in the header, progress, preview, images, errors.
import { formatMs, type NodeRunState } from '../store/run-state.ts';
import { FitsAbove } from './FitsAbove.tsx';
import { NodeImages } from './NodeImages.tsx';

export function RunBadge({ run }: { run?: NodeRunState }) {
  if (!run) return null;
  const text: Record<NodeRunState['phase'], string> = {
    waiting: 'waiting',
    running: run.total ? `${run.step}/${run.total}` : 'running',
    cached: 'cached',
    done: run.ms !== undefined ? formatMs(run.ms) : 'done',
    error: 'error',
    skipped: 'not run',
  };
  return (
    <span className={`dg-badge dg-badge-${run.phase}`} data-testid="node-badge">
      {text[run.phase]}
    </span>
  );
}

export function RunDetails({ id, run }: { id: string; run?: NodeRunState }) {
  if (!run) return null;
  const fraction = run.total ? (run.step ?? 0) / run.total : 0;
  return (
    <>
      {run.phase === 'running' && (
        <div
          className="dg-progress"
          data-testid={`progress-${id}`}
          title={run.total ? `step ${run.step} of ${run.total}` : 'running'}
        >
          <div
            className={`dg-progress-bar ${run.total ? '' : 'dg-indeterminate'}`}
            style={{ width: `${Math.round(fraction * 100)}%` }}
          />
        </div>
      )}
      {run.preview && run.phase === 'running' && (
        <FitsAbove id={id} count={1}>
          <img className="dg-preview" src={run.preview} alt="live preview" data-testid={`preview-${id}`} />
        </FitsAbove>
      )}
      {run.phase === 'error' && run.message && (
        <div className="dg-error" data-testid={`error-${id}`}>
          {run.message}
        </div>
      )}
      {run.warnings?.map((w) => (
        <div className="dg-warning" key={w} title={w}>
          {w}
        </div>
      ))}
      {run.values && run.phase === 'done' && <OutputValues id={id} values={run.values} />}
      {run.images && run.images.length > 0 && (
        <FitsAbove id={id} count={run.images.length}>
          <NodeImages id={id} run={run} />
        </FitsAbove>
      )}
    </>
  );
}

/** Score-like outputs as text under the node, as ComfyUI shows a node's output text. */
function OutputValues({ id, values }: { id: string; values: NonNullable<NodeRunState['values']> }) {
  return (
    <dl className="dg-output-values" data-testid={`values-${id}`}>
      {Object.entries(values).map(([name, value]) => (
        <div key={name} className="dg-output-value">
          <dt>{name}</dt>
          <dd data-testid={`value-${id}-${name}`} title={String(value)}>
            {formatValue(value)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Five significant digits, as the command line prints scores; texts and booleans as they are. */
function formatValue(value: number | string | boolean): string {
  return typeof value === 'number' && Number.isFinite(value)
    ? String(Number(value.toPrecision(5)))
    : String(value);
}
