// Shared helpers for the interop tests: fixtures and a structural view of a graph.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const COMFY_FIXTURES = join(import.meta.dirname, '../../fixtures/comfy');

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(COMFY_FIXTURES, name), 'utf8')) as Record<string, unknown>;
}

type Doc = { nodes: Record<string, { type: string; widgets?: Record<string, unknown> }>; edges: unknown[] };

/** Node types and widget values by id, and the edge set in a stable order: what a graph computes. */
export function structure(doc: unknown): { nodes: Record<string, unknown>; edges: string[] } {
  const { nodes, edges } = doc as Doc;
  const shape: Record<string, unknown> = {};
  for (const [id, node] of Object.entries(nodes))
    shape[id] = { type: node.type, widgets: node.widgets ?? {} };
  const wires = edges.map((e) => {
    const { from, to } = e as { from: unknown; to: unknown };
    return JSON.stringify([from, to]);
  });
  return { nodes: shape, edges: wires.sort() };
}
