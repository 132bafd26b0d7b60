// Model and input-image pickers, fed by the host's model list, model library and input folder.
import { useMemo, useRef } from 'react';
import type { FileWidget, ModelWidget } from '../../../nodes/api.ts';
import { type ModelCategory, pickerLabel } from '../doc/model-loaders.ts';
import { host } from '../host/host.ts';
import { editor, toast } from '../store/editor.ts';
import { refreshInputs, refreshModels } from '../store/host-data.ts';
import { modelLibrary, refreshModelLibrary } from '../store/model-library.ts';
import { useSlice } from '../store/store.ts';

interface PickerProps<W> {
  spec: W;
  value: string;
  onChange(value: string): void;
  testId: string;
}

function Options({
  names,
  value,
  labels,
}: {
  names: string[];
  value: string;
  labels?: ReadonlyMap<string, string>;
}) {
  const all = names.includes(value) || value === '' ? names : [value, ...names];
  return (
    <>
      {value === '' && <option value="">(choose)</option>}
      {all.map((n) => (
        <option key={n} value={n}>
          {names.includes(n) ? (labels?.get(n) ?? n) : `${n} (not found)`}
        </option>
      ))}
    </>
  );
}

export function ModelPicker({ spec, value, onChange, testId }: PickerProps<ModelWidget>) {
  const models = useSlice(editor, (s) => s.models);
  const names = models.filter((m) => m.kind === spec.modelKind || m.kind === 'unknown').map((m) => m.name);
  return (
    <label className="dg-select-row">
      <span className="dg-label">{spec.label ?? spec.name}</span>
      <select
        className="nodrag"
        data-testid={testId}
        value={value}
        onFocus={() => void refreshModels()}
        onChange={(e) => onChange(e.target.value)}
      >
        <Options names={names} value={value} />
      </select>
    </label>
  );
}

/** A checkpoint, LoRA or VAE picker lists the library's files of its kind, each with its architecture. */
function useCategoryFiles(category: ModelCategory | undefined) {
  const files = useSlice(modelLibrary, (s) => s.files);
  return useMemo(() => {
    const own = category ? files.filter((f) => f.category === category) : [];
    return { names: own.map((f) => f.name), labels: new Map(own.map((f) => [f.name, pickerLabel(f)])) };
  }, [files, category]);
}

export function FilePicker({
  spec,
  value,
  onChange,
  testId,
  category,
}: PickerProps<FileWidget> & { category?: ModelCategory }) {
  const inputs = useSlice(editor, (s) => s.inputs);
  const models = useSlice(editor, (s) => s.models);
  const library = useCategoryFiles(category);
  const fileInput = useRef<HTMLInputElement>(null);
  const onnxNames = models.map((m) => m.name);
  // A VAE may also be a bare ONNX decoder; checkpoints and LoRAs are only weight files.
  const names =
    spec.folder === 'input'
      ? inputs
      : category
        ? [...library.names, ...(category === 'vae' ? onnxNames : [])]
        : onnxNames;
  const refresh = () => {
    if (spec.folder === 'input') return refreshInputs();
    if (category) void refreshModelLibrary();
    return refreshModels();
  };
  const upload = async (file: File) => {
    try {
      const name = await host().uploadInput(file.name, new Uint8Array(await file.arrayBuffer()));
      await refreshInputs();
      onChange(name);
    } catch (error) {
      toast(`Upload of ${file.name} failed: ${(error as Error).message}`, 'error');
    }
  };
  return (
    <label className="dg-select-row">
      <span className="dg-label">{spec.label ?? spec.name}</span>
      <select
        className="nodrag"
        data-testid={testId}
        value={value}
        onFocus={() => void refresh()}
        onChange={(e) => onChange(e.target.value)}
      >
        <Options names={names} value={value} labels={library.labels} />
      </select>
      {spec.folder === 'input' && (
        <>
          <button
            type="button"
            className="dg-icon-button nodrag"
            title="Upload an image"
            onClick={() => fileInput.current?.click()}
          >
            ⤒
          </button>
          <input
            ref={fileInput}
            type="file"
            hidden
            accept={spec.extensions?.join(',') ?? 'image/*'}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void upload(file);
              e.target.value = '';
            }}
          />
        </>
      )}
    </label>
  );
}
