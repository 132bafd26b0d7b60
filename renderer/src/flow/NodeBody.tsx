// A node's body: socket rows, inline widgets (or plain blocks when zoomed far out), problems.
import type { GraphProblem } from '../../../main/engine/events.ts';
import { isWidgetVisible } from '../../../nodes/widget-visibility.ts';
import { toggleWidgetInput } from '../doc/commands.ts';
import { inputPorts, outputPorts, type Port } from '../doc/ports.ts';
import type { DocNode, NodeSchema } from '../doc/types.ts';
import { commit } from '../store/editor.ts';
import type { NodeRunState } from '../store/run-state.ts';
import { Widget } from '../widgets/Widget.tsx';
import { type HandleEnv, PortHandle } from './PortHandle.tsx';
import { RunDetails } from './RunState.tsx';

interface BodyProps {
  id: string;
  node: DocNode;
  schema: NodeSchema;
  problems: GraphProblem[];
  run?: NodeRunState;
  lowDetail: boolean;
  env: HandleEnv;
}

export function Body({ id, node, schema, problems, run, lowDetail, env }: BodyProps) {
  const converted = new Set(node.widgetInputs ?? []);
  const widgets = schema.widgets.filter(
    (w) => !converted.has(w.name) && isWidgetVisible(w, node.widgets, schema.widgets, converted),
  );
  return (
    <div className="dg-node-body">
      <PortRows
        id={id}
        inputs={inputPorts(node, schema)}
        outputs={outputPorts(schema)}
        problems={problems}
        lowDetail={lowDetail}
        env={env}
      />
      {lowDetail
        ? widgets.length > 0 && <div className="dg-widget-ghost" style={{ height: ghostHeight(widgets) }} />
        : widgets.map((w) => (
            <WidgetRow
              key={w.name}
              id={id}
              node={node}
              spec={w}
              problem={problems.find((p) => p.field === w.name)}
            />
          ))}
      <Problems problems={problems} />
      <RunDetails id={id} run={run} />
    </div>
  );
}

interface PortRowsProps {
  id: string;
  inputs: Port[];
  outputs: Port[];
  problems: GraphProblem[];
  lowDetail: boolean;
  env: HandleEnv;
}

/** Inputs on the left, outputs on the right, one pair a row. Labels are left out when zoomed far out. */
function PortRows({ id, inputs, outputs, problems, lowDetail, env }: PortRowsProps) {
  const rows = Math.max(inputs.length, outputs.length);
  return Array.from({ length: rows }, (_, i) => {
    const input = inputs[i];
    const output = outputs[i];
    const bad = input ? problems.find((p) => p.field === input.name) : undefined;
    return (
      <div className="dg-port-row" key={`${input?.name ?? ''}|${output?.name ?? ''}`}>
        {input && (
          <span
            className={`dg-port dg-port-in ${bad ? 'dg-field-problem' : ''}`}
            title={bad?.message}
            data-testid={`port-${id}-in-${input.name}`}
          >
            <PortHandle nodeId={id} port={input} side="in" env={env} />
            {!lowDetail && <InputLabel id={id} port={input} />}
          </span>
        )}
        {output && (
          <span className="dg-port dg-port-out" data-testid={`port-${id}-out-${output.name}`}>
            {!lowDetail && output.name}
            <PortHandle nodeId={id} port={output} side="out" env={env} />
          </span>
        )}
      </div>
    );
  });
}

function InputLabel({ id, port }: { id: string; port: Port }) {
  return (
    <>
      {port.name}
      {port.optional && (
        <span
          className="dg-optional"
          data-testid={`optional-${id}-${port.name}`}
          title="Optional input: the node runs without it"
        >
          optional
        </span>
      )}
      {port.kind === 'widget' && (
        <button
          type="button"
          className="dg-mini nodrag"
          title="Back to a widget"
          onClick={() => commit((d) => toggleWidgetInput(d, id, port.name))}
        >
          ↺
        </button>
      )}
    </>
  );
}

function WidgetRow({
  id,
  node,
  spec,
  problem,
}: {
  id: string;
  node: DocNode;
  spec: NodeSchema['widgets'][number];
  problem?: GraphProblem;
}) {
  return (
    <div
      className={`dg-widget-row ${problem ? 'dg-field-problem' : ''}`}
      title={problem?.message ?? spec.description}
    >
      <button
        type="button"
        className="dg-to-input nodrag"
        title={`Feed ${spec.name} from a wire`}
        data-testid={`to-input-${id}-${spec.name}`}
        onClick={() => commit((d) => toggleWidgetInput(d, id, spec.name))}
      />
      <Widget nodeId={id} node={node} spec={spec} />
    </div>
  );
}

const ROW_GAP = 3;

/** The height the widgets take when drawn, so a zoomed-out node keeps its size (and its wires their places). */
function ghostHeight(widgets: NodeSchema['widgets']): number {
  const height = (w: NodeSchema['widgets'][number]) =>
    w.kind === 'string' && w.multiline ? 76 : w.kind === 'seed' ? 51 : 24;
  return widgets.reduce((sum, w) => sum + height(w), 0) + ROW_GAP * (widgets.length - 1);
}

function Problems({ problems }: { problems: GraphProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="dg-problems" data-testid="node-problems">
      {problems.map((p) => (
        <li key={`${p.code}:${p.field ?? ''}:${p.message}`}>{p.message}</li>
      ))}
    </ul>
  );
}

/** A collapsed node still needs its handles so wires stay attached; they sit on the header. */
export function CollapsedHandles({
  id,
  node,
  schema,
  env,
}: {
  id: string;
  node: DocNode;
  schema: NodeSchema;
  env: HandleEnv;
}) {
  return (
    <div className="dg-collapsed-handles">
      {inputPorts(node, schema).map((p) => (
        <PortHandle key={`in-${p.name}`} nodeId={id} port={p} side="in" env={env} />
      ))}
      {outputPorts(schema).map((p) => (
        <PortHandle key={`out-${p.name}`} nodeId={id} port={p} side="out" env={env} />
      ))}
    </div>
  );
}
