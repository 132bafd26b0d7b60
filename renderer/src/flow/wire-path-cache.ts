// Keeps each zoomed-out wire's Path2D, and the combined path of each colour and block of wires, while nothing they are
// drawn from changes. Parsing 700 SVG paths into Path2D objects on every frame of a drag was the
// largest single cost of a frame; a dragged node changes only its own few wires, so the rest are
// reused (React Flow keeps the same internal node object while a node neither moves nor resizes).
import { type Edge, type InternalNode, Position } from '@xyflow/react';
import type { WireData } from '../doc/flow-derive.ts';
import type { LinkStyle } from '../store/editor-settings.ts';
import { wirePath } from './wire-path.ts';

export type NodeLookup = ReadonlyMap<string, InternalNode>;

interface WireEntry {
  edge: Edge;
  source: InternalNode | undefined;
  target: InternalNode | undefined;
  style: LinkStyle;
  path: Path2D | null;
}

/** Wires per block: few enough that rebuilding one is cheap, enough that strokes stay few. */
const BLOCK = 48;

export interface WireGroup {
  color: string;
  path: Path2D;
}

interface ColorEntry {
  members: Path2D[];
  path: Path2D;
}

export class WirePathCache {
  private wires = new Map<string, WireEntry>();
  private blocks = new Map<string, ColorEntry>();

  /**
   * Combined paths of every wire whose two sockets are measured: one per colour and block of
   * neighbouring wires, so a drag rebuilds only the blocks holding the dragged node's wires.
   */
  paths(edges: readonly Edge[], nodes: NodeLookup, style: LinkStyle): { groups: WireGroup[]; drawn: number } {
    const members = new Map<string, { color: string; list: Path2D[] }>();
    const wires = new Map<string, WireEntry>();
    edges.forEach((edge, i) => {
      const entry = this.wire(edge, nodes, style);
      wires.set(edge.id, entry);
      if (!entry.path) return;
      const color = (edge.data as WireData).color;
      const key = `${color} ${Math.floor(i / BLOCK)}`;
      const group = members.get(key) ?? { color, list: [] };
      members.set(key, group);
      group.list.push(entry.path);
    });
    this.wires = wires;
    const blocks = new Map<string, ColorEntry>();
    const groups: WireGroup[] = [];
    let drawn = 0;
    for (const [key, { color, list }] of members) {
      const hit = this.blocks.get(key);
      const entry = hit && samePaths(hit.members, list) ? hit : { members: list, path: combine(list) };
      blocks.set(key, entry);
      groups.push({ color, path: entry.path });
      drawn += list.length;
    }
    this.blocks = blocks;
    return { groups, drawn };
  }

  private wire(edge: Edge, nodes: NodeLookup, style: LinkStyle): WireEntry {
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    const hit = this.wires.get(edge.id);
    if (hit && hit.edge === edge && hit.source === source && hit.target === target && hit.style === style)
      return hit;
    const d = edgePath(edge, source, target, style);
    return { edge, source, target, style, path: d ? new Path2D(d) : null };
  }
}

function samePaths(a: Path2D[], b: Path2D[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

function combine(paths: Path2D[]): Path2D {
  const all = new Path2D();
  for (const p of paths) all.addPath(p);
  return all;
}

/** The same path React Flow draws for the wire (WireEdge), from the measured socket positions. */
function edgePath(
  edge: Edge,
  sourceNode: InternalNode | undefined,
  targetNode: InternalNode | undefined,
  style: LinkStyle,
): string | null {
  const source = socketPoint(sourceNode, 'source', edge.sourceHandle);
  const target = socketPoint(targetNode, 'target', edge.targetHandle);
  if (!source || !target) return null;
  const ends = {
    sourceX: source[0],
    sourceY: source[1],
    sourcePosition: Position.Right,
    targetX: target[0],
    targetY: target[1],
    targetPosition: Position.Left,
  };
  return wirePath(style, ends, (edge.data as WireData).points);
}

function socketPoint(
  node: InternalNode | undefined,
  kind: 'source' | 'target',
  handleId: string | null | undefined,
): [number, number] | null {
  const handle = node?.internals.handleBounds?.[kind]?.find((h) => h.id === handleId);
  if (!node || !handle) return null;
  const { x, y } = node.internals.positionAbsolute;
  const hx = kind === 'source' ? handle.x + handle.width : handle.x;
  return [x + hx, y + handle.y + handle.height / 2];
}
