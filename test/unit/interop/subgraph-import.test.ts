// ComfyUI subgraphs (UI format 1 `definitions.subgraphs`) expand into their inner nodes on import.
// Fixtures: make-subgraphs.py wraps the default workflow's KSampler + VAEDecode in a subgraph (and, in
// the nested one, the VAEDecode in a second subgraph inside the first); the expected graph is the
// default workflow's own (default-expected.json) with those nodes renamed as ComfyUI numbers them.
import { describe, expect, it } from 'vitest';
import { importUiWorkflow } from '../../../main/interop/comfy/ui-format.ts';
import { fixture, structure } from './helpers.ts';

type UiNode = { id: number; mode?: number; inputs: { link: number | null }[]; outputs: unknown[] };
type Workflow = {
  nodes: UiNode[];
  links: { id: number }[];
  definitions: { subgraphs: { nodes: UiNode[] }[] };
};
type Edge = { from: [string, string]; to: [string, string] };
const workflowOf = (name: string) => fixture(name) as unknown as Workflow;

/** default-expected.json with node ids renamed. */
function expectedWith(rename: Record<string, string>) {
  const doc = fixture('default-expected.json') as { nodes: Record<string, unknown>; edges: Edge[] };
  const id = (n: string) => rename[n] ?? n;
  const nodes = Object.fromEntries(Object.entries(doc.nodes).map(([k, v]) => [id(k), v]));
  const edges = doc.edges.map((e) => ({
    from: [id(e.from[0]), e.from[1]],
    to: [id(e.to[0]), e.to[1]],
  }));
  return structure({ nodes, edges });
}

describe('ComfyUI subgraphs', () => {
  it('expands an instance into its inner nodes, wired to what feeds it and what it feeds', () => {
    const { doc, report } = importUiWorkflow(fixture('subgraph-ui-1.json'));
    expect(report.unmapped).toEqual([]);
    expect(structure(doc)).toEqual(expectedWith({ '3': '10:3', '3.schedule': '10:3.schedule', '8': '10:8' }));
    expect(report.warnings).toContain(
      'subgraph instance 10 was expanded into its inner nodes (ids "10:<inner id>")',
    );
    expect(doc.nodes['10:3'].position).toEqual([863, 186]); // inner layout placed at the instance
  });

  it('expands a subgraph nested in another one', () => {
    const { doc, report } = importUiWorkflow(fixture('subgraph-nested-ui-1.json'));
    expect(report.unmapped).toEqual([]);
    expect(structure(doc)).toEqual(
      expectedWith({ '3': '10:3', '3.schedule': '10:3.schedule', '8': '10:12:8' }),
    );
  });

  it('leaves an unconnected instance input unwired and carries bypass into the inner nodes', () => {
    const workflow = workflowOf('subgraph-ui-1.json');
    const instance = workflow.nodes.find((n) => n.id === 10) as UiNode;
    instance.inputs[4].link = null; // vae
    instance.mode = 4;
    workflow.links = workflow.links.filter((l) => l.id !== 8);
    const { doc } = importUiWorkflow(workflow as unknown as Record<string, unknown>);
    const edges = structure(doc).edges;
    expect(edges.filter((e) => e.includes('"vae"'))).toEqual([]);
    expect(edges).toContain(
      JSON.stringify([
        ['10:3', 'latent'],
        ['10:8', 'latent'],
      ]),
    );
    expect(doc.nodes['10:8']).toMatchObject({ bypass: true });
  });

  it('keeps a subgraph that contains itself as a placeholder and says why', () => {
    const workflow = workflowOf('subgraph-ui-1.json');
    const def = workflow.definitions.subgraphs[0];
    def.nodes.push({
      ...(workflow.nodes.find((n) => n.id === 10) as UiNode),
      id: 30,
      inputs: [],
      outputs: [],
    });
    const { doc, report } = importUiWorkflow(workflow as unknown as Record<string, unknown>);
    expect(report.warnings.join('\n')).toMatch(
      /subgraph instance 30 \("Sample and decode"\) contains itself/,
    );
    expect(report.unmapped.map((u) => u.id)).toEqual(['10:30']);
    expect(report.unmapped[0].reason).toMatch(/subgraph that could not be expanded/);
    expect(doc.nodes['10:3'].type).toBe('Sampler');
  });
});
