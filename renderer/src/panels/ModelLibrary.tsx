// The model library: checkpoints, LoRAs, VAEs and embeddings in the models folders, each with the
// architecture its tensors show and its size. A click inserts the loader node with the file chosen.
import { useEffect, useMemo, useState } from 'react';
import type { ModelFileInfo } from '../../../main/checkpoint/scan.ts';
import { CATEGORY_TITLES, formatSize, LOADER_FOR, type ModelCategory } from '../doc/model-loaders.ts';
import { useAddAtCentre } from '../hooks/useAddAtCentre.ts';
import { NODE_DRAG_TYPE } from '../hooks/useLibraryDrop.ts';
import { editor, toast } from '../store/editor.ts';
import { modelLibrary, refreshModelLibrary } from '../store/model-library.ts';
import { useSlice } from '../store/store.ts';

const ORDER: ModelCategory[] = ['checkpoints', 'loras', 'vae', 'embeddings'];

export function ModelLibrary() {
  const { files, roots, state } = useSlice(modelLibrary, (s) => s);
  const [query, setQuery] = useState('');
  useEffect(() => {
    void refreshModelLibrary();
  }, []);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? files.filter((f) => `${f.name} ${f.architecture}`.toLowerCase().includes(q)) : files;
  }, [files, query]);

  return (
    <div className="dg-library" data-testid="model-library">
      <div className="dg-library-bar">
        <input
          className="dg-library-search"
          data-testid="model-library-search"
          placeholder="Filter models…"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button
          type="button"
          className="dg-icon-button"
          title="Look in the models folders again"
          data-testid="model-library-refresh"
          onClick={() => void refreshModelLibrary()}
        >
          ⟳
        </button>
      </div>
      <div className="dg-library-scroll">
        {state === 'loading' && <p className="dg-muted">Reading the models folders…</p>}
        {ORDER.map((category) => (
          <Category key={category} category={category} files={shown.filter((f) => f.category === category)} />
        ))}
        {state === 'ready' && files.length === 0 && (
          <p className="dg-muted" data-testid="model-library-empty">
            No checkpoints, LoRAs, VAEs or embeddings in {roots.join(', ') || 'the models folder'}. Put them
            in its checkpoints/, loras/, vae/ and embeddings/ folders.
          </p>
        )}
      </div>
    </div>
  );
}

function Category({ category, files }: { category: ModelCategory; files: ModelFileInfo[] }) {
  if (files.length === 0) return null;
  return (
    <section data-testid={`models-${category}`}>
      <h3 className="dg-library-heading">
        {CATEGORY_TITLES[category]} <span className="dg-count">{files.length}</span>
      </h3>
      <ul className="dg-library-list">
        {files.map((file) => (
          <ModelItem key={`${file.folder}/${file.name}`} file={file} />
        ))}
      </ul>
    </section>
  );
}

function ModelItem({ file }: { file: ModelFileInfo }) {
  const add = useAddAtCentre();
  const loader = LOADER_FOR[file.category];
  const embeddingText = `embedding:${file.name.replace(/\.[^.]+$/, '')}`;
  const insert = () => {
    if (!loader) {
      void navigator.clipboard?.writeText(embeddingText);
      toast(`Copied "${embeddingText}": paste it into a prompt`);
      return;
    }
    const schema = editor.get().catalogue?.byType.get(loader.type);
    if (!schema) toast(`This engine has no ${loader.type} node`, 'error');
    else add(schema, { [loader.widget]: file.name });
  };
  const title = file.problem
    ? `${file.name}: ${file.problem}`
    : loader
      ? `Add a ${loader.type} node with ${file.name} (or drag it onto the canvas)`
      : `Click to copy ${embeddingText} for a prompt`;
  return (
    <li>
      <button
        type="button"
        className={`dg-library-item dg-model-item ${file.supported ? '' : 'dg-unsupported'}`}
        data-testid={`model-${file.category}-${file.name}`}
        title={title}
        draggable={!!loader}
        onClick={insert}
        onDragStart={(e) => {
          if (!loader) return;
          const payload = { type: loader.type, widgets: { [loader.widget]: file.name } };
          e.dataTransfer.setData(NODE_DRAG_TYPE, JSON.stringify(payload));
          e.dataTransfer.effectAllowed = 'copy';
        }}
      >
        <span className="dg-model-name">{file.name}</span>
        <span className="dg-model-meta">
          <span className="dg-model-arch" data-testid="model-architecture">
            {file.architecture}
          </span>
          <span data-testid="model-size">{formatSize(file.bytes)}</span>
        </span>
        {file.problem && <span className="dg-model-problem">{file.problem}</span>}
      </button>
    </li>
  );
}
