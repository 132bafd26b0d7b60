// Canvas items that are not graph nodes: unknown-type placeholders, groups and notes.
import { type NodeProps, NodeResizer } from '@xyflow/react';
import { memo, useState } from 'react';
import { GROUP_COLORS, updateGroup, updateNote } from '../doc/decor.ts';
import type { GroupData, NodeData, NoteData } from '../doc/flow-derive.ts';
import { inputPorts, outputPorts } from '../doc/ports.ts';
import { commit, editor, sealHistory } from '../store/editor.ts';
import { useSlice } from '../store/store.ts';
import { PortHandle, useHandleEnv } from './PortHandle.tsx';

/** A node whose type this app does not know: drawn with the sockets its wires use, data kept as is. */
export const PlaceholderNode = memo(function PlaceholderNode({ data, selected }: NodeProps) {
  const id = (data as NodeData).id;
  const doc = useSlice(editor, (s) => s.doc);
  const env = useHandleEnv();
  const node = doc.nodes[id];
  if (!node) return null;
  const inputs = inputPorts(node, undefined, doc, id);
  const outputs = outputPorts(undefined, doc, id);
  return (
    <div
      className={`dg-node dg-placeholder ${selected ? 'dg-selected' : ''}`}
      data-testid={`node-${id}`}
      data-type={node.type}
    >
      <div className="dg-node-header">
        <span className="dg-node-title dg-clip">{node.title || node.type}</span>
        <span className="dg-tag">unknown</span>
      </div>
      <div className="dg-node-body">
        <div className="dg-error">
          Unknown node type “{node.type}”. Its settings are kept and saved unchanged.
        </div>
        {inputs.map((p) => (
          <div className="dg-port-row" key={`in-${p.name}`}>
            <span className="dg-port dg-port-in">
              <PortHandle nodeId={id} port={p} side="in" env={env} />
              {p.name}
            </span>
          </div>
        ))}
        {outputs.map((p) => (
          <div className="dg-port-row" key={`out-${p.name}`}>
            <span className="dg-port dg-port-out">
              {p.name}
              <PortHandle nodeId={id} port={p} side="out" env={env} />
            </span>
          </div>
        ))}
        {Object.entries(node.widgets).map(([k, v]) => (
          <div className="dg-kv" key={k}>
            <span className="dg-label">{k}</span> <span className="dg-value">{JSON.stringify(v)}</span>
          </div>
        ))}
      </div>
    </div>
  );
});

export const GroupNode = memo(function GroupNode({ data, selected }: NodeProps) {
  const { group } = data as GroupData;
  const [editing, setEditing] = useState(false);
  return (
    <div
      className="dg-group"
      style={{ borderColor: group.color, background: `${group.color}33` }}
      data-testid={`group-${group.id}`}
    >
      <NodeResizer
        isVisible={selected}
        minWidth={120}
        minHeight={80}
        lineStyle={{ borderColor: group.color }}
        onResize={(_, p) =>
          commit(
            (d) =>
              updateGroup(d, group.id, {
                bounds: [p.x, p.y, p.width, p.height].map(Math.round) as typeof group.bounds,
              }),
            `group-size:${group.id}`,
          )
        }
        onResizeEnd={sealHistory}
      />
      {/* biome-ignore lint/a11y/noStaticElementInteractions: double-click renames, like the node title */}
      <div
        className="dg-group-title"
        style={{ background: group.color }}
        onDoubleClick={() => setEditing(true)}
      >
        {editing ? (
          <input
            className="nodrag"
            // biome-ignore lint/a11y/noAutofocus: renaming starts focused
            autoFocus
            defaultValue={group.title}
            onBlur={(e) => {
              setEditing(false);
              commit((d) => updateGroup(d, group.id, { title: e.target.value }));
            }}
            onKeyDown={(e) => {
              e.stopPropagation();
              if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
            }}
          />
        ) : (
          <span>{group.title}</span>
        )}
        {selected && (
          <span className="dg-swatches nodrag">
            {GROUP_COLORS.map((c) => (
              <button
                type="button"
                key={c}
                style={{ background: c }}
                title="Group colour"
                onClick={() => commit((d) => updateGroup(d, group.id, { color: c }))}
              />
            ))}
          </span>
        )}
      </div>
    </div>
  );
});

export const NoteNode = memo(function NoteNode({ data, selected }: NodeProps) {
  const { note } = data as NoteData;
  return (
    <div className={`dg-note ${selected ? 'dg-selected' : ''}`} data-testid={`note-${note.id}`}>
      <NodeResizer
        isVisible={selected}
        minWidth={120}
        minHeight={60}
        onResize={(_, p) =>
          commit(
            (d) => updateNote(d, note.id, { size: [Math.round(p.width), Math.round(p.height)] }),
            `note-size:${note.id}`,
          )
        }
        onResizeEnd={sealHistory}
      />
      <div className="dg-note-title">Note</div>
      <textarea
        className="nodrag nowheel"
        placeholder="Write a note…"
        value={note.text}
        onChange={(e) => commit((d) => updateNote(d, note.id, { text: e.target.value }), `note:${note.id}`)}
        onBlur={sealHistory}
      />
    </div>
  );
});
