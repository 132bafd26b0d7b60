// A node drawn from its schema: header, sockets, inline widgets, run state and images.
import { type NodeProps, useStore as useFlowStore } from '@xyflow/react';
import { memo, useState } from 'react';
import type { GraphProblem } from '../../../main/engine/events.ts';
import { setFlag, setTitle } from '../doc/commands.ts';
import type { DocNode, NodeSchema } from '../doc/types.ts';
import { commit, editor } from '../store/editor.ts';
import type { NodeRunState } from '../store/run-state.ts';
import { useSlice } from '../store/store.ts';
import type { NodeData } from './derive.ts';
import { Body, CollapsedHandles } from './NodeBody.tsx';
import { RunBadge } from './RunState.tsx';

const NO_PROBLEMS: GraphProblem[] = [];

/** Below this zoom widgets are unreadable; they are drawn as plain blocks of the same size. */
export const LOW_DETAIL_ZOOM = 0.45;

/**
 * React Flow re-renders a node component on every drag step (its position props change); this
 * wrapper passes on only what the node draws from, so a dragged node's widgets are not re-rendered.
 */
export function GraphNode({ data, selected }: NodeProps) {
  return <NodeCard id={(data as NodeData).id} selected={selected} />;
}

const NodeCard = memo(function NodeCard({ id, selected }: { id: string; selected: boolean }) {
  const node = useSlice(editor, (s) => s.doc.nodes[id]);
  const schema = useSlice(editor, (s) => (node ? s.catalogue?.byType.get(node.type) : undefined));
  const run = useSlice(editor, (s) => s.run.nodes[id]);
  const problems = useSlice(editor, (s) => s.problemsByNode[id] ?? NO_PROBLEMS);
  const zoomedOut = useFlowStore((s) => s.transform[2] < LOW_DETAIL_ZOOM);
  const lowDetail = useSlice(editor, (s) => s.fitPending) || zoomedOut;
  if (!node || !schema) return null;
  const classes = [
    'dg-node',
    selected && 'dg-selected',
    lowDetail && 'dg-low',
    node.bypass && 'dg-bypass',
    node.mute && 'dg-mute',
    problems.length > 0 && 'dg-has-problem',
    run && `dg-run-${run.phase}`,
  ].filter(Boolean);
  return (
    <div
      className={classes.join(' ')}
      data-testid={`node-${id}`}
      data-type={node.type}
      data-phase={run?.phase ?? ''}
    >
      <Header id={id} node={node} schema={schema} run={run} />
      {node.collapsed ? (
        <CollapsedHandles id={id} node={node} schema={schema} />
      ) : (
        <Body id={id} node={node} schema={schema} problems={problems} run={run} lowDetail={lowDetail} />
      )}
    </div>
  );
});

function Header({
  id,
  node,
  schema,
  run,
}: {
  id: string;
  node: DocNode;
  schema: NodeSchema;
  run?: NodeRunState;
}) {
  const [editing, setEditing] = useState(false);
  const title = node.title || schema.displayName;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: double-click on a node title renames it (canvas gesture)
    <div className="dg-node-header" title={schema.description} onDoubleClick={() => setEditing(true)}>
      <button
        type="button"
        className="dg-collapse nodrag"
        title={node.collapsed ? 'Expand' : 'Collapse'}
        onClick={() => commit((d) => setFlag(d, [id], 'collapsed'))}
      >
        {node.collapsed ? '▸' : '▾'}
      </button>
      {editing ? (
        <input
          className="dg-title-input nodrag"
          // biome-ignore lint/a11y/noAutofocus: renaming starts with the field focused
          autoFocus
          defaultValue={title}
          onBlur={(e) => {
            setEditing(false);
            if (e.target.value !== title) commit((d) => setTitle(d, id, e.target.value));
          }}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'Enter' || e.key === 'Escape') (e.target as HTMLInputElement).blur();
          }}
        />
      ) : (
        <span className="dg-node-title" data-testid={`node-title-${id}`}>
          {title}
        </span>
      )}
      {node.bypass && <span className="dg-tag">bypass</span>}
      {node.mute && <span className="dg-tag">muted</span>}
      <RunBadge run={run} />
    </div>
  );
}
