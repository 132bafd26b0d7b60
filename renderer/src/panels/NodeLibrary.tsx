// The node library: every node of the engine's catalogue by category, searchable; hover shows a
// node's sockets and widgets, a click adds it in the middle of the view, a drag drops it anywhere.
import { useMemo, useState } from 'react';
import { searchNodes } from '../doc/fuzzy.ts';
import type { NodeSchema } from '../doc/types.ts';
import { useAddAtCentre } from '../hooks/useAddAtCentre.ts';
import { NODE_DRAG_TYPE } from '../hooks/useLibraryDrop.ts';
import { editor } from '../store/editor.ts';
import { useSlice } from '../store/store.ts';

function byCategory(list: readonly NodeSchema[]): [string, NodeSchema[]][] {
  const groups = new Map<string, NodeSchema[]>();
  for (const schema of list) groups.set(schema.category, [...(groups.get(schema.category) ?? []), schema]);
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, nodes]) => [category, nodes.sort((a, b) => a.displayName.localeCompare(b.displayName))]);
}

export function NodeLibrary() {
  const catalogue = useSlice(editor, (s) => s.catalogue);
  const [query, setQuery] = useState('');
  const [hovered, setHovered] = useState<{ schema: NodeSchema; top: number } | null>(null);
  const [closed, setClosed] = useState<ReadonlySet<string>>(new Set());
  const add = useAddAtCentre();
  const list = catalogue?.list ?? [];
  const results = useMemo(() => (query.trim() ? searchNodes(list, query) : null), [list, query]);
  const groups = useMemo(() => byCategory(list), [list]);

  const item = (schema: NodeSchema) => (
    <li key={schema.type}>
      <button
        type="button"
        draggable
        className="dg-library-item"
        data-testid={`library-node-${schema.type}`}
        title="Click to add in the middle of the view, or drag onto the canvas"
        onClick={() => add(schema)}
        onDragStart={(e) => {
          e.dataTransfer.setData(NODE_DRAG_TYPE, JSON.stringify({ type: schema.type }));
          e.dataTransfer.effectAllowed = 'copy';
          setHovered(null);
        }}
        onPointerEnter={(e) => setHovered({ schema, top: e.currentTarget.getBoundingClientRect().top })}
        onPointerLeave={() => setHovered(null)}
      >
        {schema.displayName}
      </button>
    </li>
  );

  return (
    <div className="dg-library" data-testid="node-library">
      <input
        className="dg-library-search"
        data-testid="node-library-search"
        placeholder="Search nodes…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div className="dg-library-scroll">
        {results && results.length === 0 && <p className="dg-muted">No nodes match “{query}”.</p>}
        {results && <ul className="dg-library-list">{results.map(item)}</ul>}
        {!results &&
          groups.map(([category, nodes]) => (
            <details
              key={category}
              open={!closed.has(category)}
              data-testid={`library-category-${category}`}
              onToggle={(e) => {
                const open = (e.currentTarget as HTMLDetailsElement).open;
                setClosed((c) => {
                  const next = new Set(c);
                  if (open) next.delete(category);
                  else next.add(category);
                  return next;
                });
              }}
            >
              <summary>
                {category} <span className="dg-count">{nodes.length}</span>
              </summary>
              <ul className="dg-library-list">{nodes.map(item)}</ul>
            </details>
          ))}
      </div>
      {hovered && <NodePreview schema={hovered.schema} top={hovered.top} />}
    </div>
  );
}

/** What the node offers, drawn beside the library: inputs, widgets with defaults, outputs. */
function NodePreview({ schema, top }: { schema: NodeSchema; top: number }) {
  const colors = useSlice(editor, (s) => s.catalogue?.socketTypes);
  const dot = (type: string) => (
    <span className="dg-preview-dot" style={{ background: colors?.[type as keyof typeof colors]?.color }} />
  );
  return (
    <div
      className="dg-node-preview"
      style={{ top: Math.min(top, window.innerHeight - 320) }}
      data-testid="node-preview"
    >
      <div className="dg-preview-title">{schema.displayName}</div>
      <p className="dg-preview-desc">{schema.description}</p>
      <div className="dg-preview-cols">
        <ul data-testid="node-preview-inputs">
          {schema.inputs.map((i) => (
            <li key={i.name}>
              {dot(i.type)}
              {i.name} <span className="dg-muted">{i.type}</span>
              {i.optional && <span className="dg-muted"> (optional)</span>}
            </li>
          ))}
        </ul>
        <ul className="dg-preview-outputs" data-testid="node-preview-outputs">
          {schema.outputs.map((o) => (
            <li key={o.name}>
              {o.name} <span className="dg-muted">{o.type}</span>
              {dot(o.type)}
            </li>
          ))}
        </ul>
      </div>
      {schema.widgets.length > 0 && (
        <ul className="dg-preview-widgets" data-testid="node-preview-widgets">
          {schema.widgets.map((w) => (
            <li key={w.name}>
              {w.label ?? w.name.replace(/_/g, ' ')}{' '}
              <span className="dg-muted">
                {w.kind}
                {w.default !== '' && w.default !== undefined ? ` = ${String(w.default)}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
