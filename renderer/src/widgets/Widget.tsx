// One inline widget row, chosen by the widget's kind from the node schema.
import type { SeedControl, WidgetSpec } from '../../../nodes/api.ts';
import { actsAsSeed, seedControlOf, setSeedControl, setWidget } from '../doc/commands.ts';
import { pickerCategory } from '../doc/model-loaders.ts';
import type { DocNode } from '../doc/types.ts';
import { commit, sealHistory } from '../store/editor.ts';
import { NumberField } from './NumberField.tsx';
import { FilePicker, ModelPicker } from './Pickers.tsx';

const SEED_CONTROLS: SeedControl[] = ['fixed', 'increment', 'decrement', 'randomize'];
const MAX_SEED = 2 ** 32 - 1;

export interface WidgetProps {
  nodeId: string;
  node: DocNode;
  spec: WidgetSpec;
}

export function Widget({ nodeId, node, spec }: WidgetProps) {
  const raw = node.widgets[spec.name] ?? spec.default;
  const label = spec.label ?? spec.name.replace(/_/g, ' ');
  const testId = `widget-${nodeId}-${spec.name}`;
  const change = (value: unknown) =>
    commit((d) => setWidget(d, nodeId, spec.name, value), `widget:${nodeId}:${spec.name}`);

  // An int primitive made from a seed keeps the seed's after-run control, so it draws as a seed.
  if (spec.kind === 'int' && actsAsSeed(spec.kind, node, spec.name))
    return (
      <SeedWidget
        nodeId={nodeId}
        node={node}
        spec={spec}
        label={label}
        value={Number(raw)}
        onChange={change}
        testId={testId}
      />
    );
  switch (spec.kind) {
    case 'int':
    case 'float':
      if (spec.kind === 'float' && spec.slider)
        return <Slider spec={spec} label={label} value={Number(raw)} onChange={change} testId={testId} />;
      return (
        <NumberField
          label={label}
          value={Number(raw)}
          min={spec.min}
          max={spec.max}
          step={spec.step ?? (spec.kind === 'int' ? 1 : 0.1)}
          integer={spec.kind === 'int'}
          gridStep={spec.kind === 'int' && spec.step !== undefined && spec.step > 1 ? spec.step : undefined}
          onChange={change}
          testId={testId}
        />
      );
    case 'seed':
      return (
        <SeedWidget
          nodeId={nodeId}
          node={node}
          spec={spec}
          label={label}
          value={Number(raw)}
          onChange={change}
          testId={testId}
        />
      );
    case 'string':
      return spec.multiline ? (
        <textarea
          className="dg-textarea nodrag nowheel"
          data-testid={testId}
          placeholder={label}
          value={String(raw)}
          onChange={(e) => change(e.target.value)}
          onBlur={sealHistory}
        />
      ) : (
        <label className="dg-select-row">
          <span className="dg-label">{label}</span>
          <input
            className="dg-text nodrag"
            data-testid={testId}
            value={String(raw)}
            onChange={(e) => change(e.target.value)}
            onBlur={sealHistory}
          />
        </label>
      );
    case 'enum':
      return (
        <label className="dg-select-row">
          <span className="dg-label">{label}</span>
          <select
            className="nodrag"
            data-testid={testId}
            value={String(raw)}
            onChange={(e) => change(e.target.value)}
          >
            {spec.options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
      );
    case 'boolean':
      return (
        <label className="dg-toggle nodrag">
          <span className="dg-label">{label}</span>
          <input
            type="checkbox"
            data-testid={testId}
            checked={Boolean(raw)}
            onChange={(e) => change(e.target.checked)}
          />
          <span className="dg-toggle-track" />
        </label>
      );
    case 'model':
      return <ModelPicker spec={spec} value={String(raw)} onChange={change} testId={testId} />;
    case 'file':
      return (
        <FilePicker
          spec={spec}
          value={String(raw)}
          onChange={change}
          testId={testId}
          category={pickerCategory(node.type, spec.name)}
        />
      );
  }
}

interface SliderProps {
  spec: { min?: number; max?: number; step?: number };
  label: string;
  value: number;
  onChange(v: number): void;
  testId: string;
}

function Slider({ spec, label, value, onChange, testId }: SliderProps) {
  const min = spec.min ?? 0;
  const max = spec.max ?? 1;
  return (
    <label className="dg-slider nodrag nowheel">
      <span className="dg-label">{label}</span>
      <input
        type="range"
        data-testid={testId}
        min={min}
        max={max}
        step={spec.step ?? (max - min) / 100}
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
        onPointerUp={sealHistory}
      />
      <span className="dg-value">{Number(value.toFixed(3))}</span>
    </label>
  );
}

function SeedWidget(props: {
  nodeId: string;
  node: DocNode;
  spec: WidgetSpec;
  label: string;
  value: number;
  onChange(v: number): void;
  testId: string;
}) {
  const { nodeId, node, spec } = props;
  const control = seedControlOf(node, spec);
  return (
    <div className="dg-seed">
      <NumberField
        label={props.label}
        value={props.value}
        min={0}
        max={MAX_SEED}
        step={1}
        integer
        onChange={props.onChange}
        testId={props.testId}
      />
      <div className="dg-seed-row">
        <span className="dg-label">after run</span>
        <select
          className="nodrag"
          data-testid={`${props.testId}-control`}
          value={control}
          onChange={(e) => commit((d) => setSeedControl(d, nodeId, spec.name, e.target.value as SeedControl))}
        >
          {SEED_CONTROLS.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="dg-icon-button nodrag"
          title="New random seed"
          onClick={() => props.onChange(Math.floor(Math.random() * (MAX_SEED + 1)))}
        >
          ⚄
        </button>
      </div>
    </div>
  );
}
