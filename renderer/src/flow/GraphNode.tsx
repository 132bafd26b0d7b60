// A node drawn from its schema: header, sockets, inline widgets, run state and images.
import type { NodeProps } from '@xyflow/react';
import { memo, useMemo, useState } from 'react';
import { flushSync } from 'react-dom';
import type { GraphProblem } from '../../../main/engine/events.ts';
import { setFlag, setTitle } from '../doc/commands.ts';
import type { NodeData } from '../doc/flow-derive.ts';
import type { DocNode, NodeSchema } from '../doc/types.ts';
import { commit, editor } from '../store/editor.ts';
import type { NodeRunState } from '../store/run-state.ts';
import { useSlices } from '../store/store.ts';
import { useCanvasView } from './canvas-context.ts';
import { Body, CollapsedHandles } from './NodeBody.tsx';
import type { HandleEnv } from './PortHandle.tsx';
import { RunBadge } from './RunState.tsx';

const NO_PROBLEMS: GraphProblem[] = [];
const NO_COLORS = {};

/**
 * React Flow re-renders a node component on every drag step (its position props change); this
 * wrapper passes on only what the node draws from, so a dragged node's widgets are not re-rendered.
 */
export function GraphNode({ data, selected }: NodeProps) {
  return <NodeCard id={(data as NodeData).id} selected={selected} />;
}

const NodeCard = memo(function NodeCard({ id, selected }: { id: string; selected: boolean }) {
  const [node, catalogue, run, problems, connecting] = useSlices(
    editor,
    (s) =>
      [
        s.doc.nodes[id],
        s.catalogue,
        s.run.nodes[id],
        s.problemsByNode[id] ?? NO_PROBLEMS,
        s.connecting,
      ] as const,
  );
  const view = useCanvasView();
  // Real React Flow handles only while the pointer is on the node or a wire is being dragged
  // (see PortHandle). flushSync: they must be in place for a pointerdown that follows at once.
  const [hovered, setHovered] = useState(false);
  const env = useMemo<HandleEnv>(
    () => ({
      live: hovered || connecting !== null,
      connecting,
      colors: catalogue?.socketTypes ?? NO_COLORS,
      rfId: view.rfId,
    }),
    [hovered, connecting, catalogue, view.rfId],
  );
  const schema = node ? catalogue?.byType.get(node.type) : undefined;
  if (!node || !schema) return null;
  const lowDetail = view.lowDetailNodes;
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
      onPointerEnter={() => flushSync(() => setHovered(true))}
      onPointerLeave={() => setHovered(false)}
    >
      <Header id={id} node={node} schema={schema} run={run} />
      {node.collapsed ? (
        <CollapsedHandles id={id} node={node} schema={schema} env={env} />
      ) : (
        <Body
          id={id}
          node={node}
          schema={schema}
          problems={problems}
          run={run}
          lowDetail={lowDetail}
          env={env}
        />
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
        <span
          className={`dg-node-title ${mayOverflow(title, Number(!!run) + Number(!!node.bypass) + Number(!!node.mute)) ? 'dg-clip' : ''}`}
          data-testid={`node-title-${id}`}
        >
          {title}
        </span>
      )}
      {node.bypass && <span className="dg-tag">bypass</span>}
      {node.mute && <span className="dg-tag">muted</span>}
      <RunBadge run={run} />
    </div>
  );
}

/**
 * Whether a title may be too wide for its header (the widest glyphs are about 11px at its font;
 * badges and tags take room). Only those titles are clipped: each clip splits the node's paint,
 * and on 500-node graphs that made compositing a sixth of each frame.
 */
function mayOverflow(title: string, extras: number): boolean {
  return extras > 1 || title.length > (extras === 1 ? 10 : 18);
}
