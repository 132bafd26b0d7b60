import { describe, expect, it } from 'vitest';
import { defaultRegistry, NodeRegistry } from '../../../main/engine/registry.ts';
import { primitiveNodes } from '../../../nodes/primitives.ts';
import { testRuntime } from './test-nodes.ts';

describe('NodeRegistry', () => {
  it('holds the built-in nodes, primitives included', () => {
    const registry = defaultRegistry();
    for (const type of ['Int', 'Float', 'String', 'Boolean']) expect(registry.has(type)).toBe(true);
    expect(registry.get('Nope')).toBeUndefined();
  });

  it('refuses two definitions of one type', () => {
    expect(() => new NodeRegistry([...primitiveNodes, primitiveNodes[0]])).toThrow(
      'Node type "Int" is defined twice',
    );
  });

  it('gives JSON schemas without run functions', () => {
    const schemas = new NodeRegistry(primitiveNodes).schemas();
    expect(schemas.map((s) => [s.type, s.outputs[0].name, s.outputs[0].type])).toEqual([
      ['Int', 'int', 'INT'],
      ['Float', 'float', 'FLOAT'],
      ['String', 'string', 'STRING'],
      ['Boolean', 'boolean', 'BOOLEAN'],
    ]);
    expect(schemas.every((s) => !('run' in s))).toBe(true);
    expect(JSON.parse(JSON.stringify(schemas))).toEqual(schemas);
  });
});

describe('primitive nodes', () => {
  it('pass their value widget to their output', async () => {
    const ctx = { nodeId: 'p', signal: new AbortController().signal, runtime: testRuntime() } as Parameters<
      (typeof primitiveNodes)[0]['run']
    >[0];
    const values: Record<string, unknown> = { Int: 7, Float: 0.25, String: 'hi', Boolean: true };
    for (const def of primitiveNodes) {
      const out = await def.run(ctx, { value: values[def.type] });
      expect(out).toEqual({ [def.outputs[0].name]: values[def.type] });
    }
    const text = primitiveNodes.find((d) => d.type === 'String')?.widgets[0];
    expect(text).toMatchObject({ kind: 'string', multiline: false });
  });
});
