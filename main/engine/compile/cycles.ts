// Finds wiring loops (a graph must be acyclic to run). Each strongly connected group of nodes is
// reported once, as one concrete loop through its first node, so the message names real wires.
import type { GraphDocument } from '../../graph/schema.ts';

/** Each loop as node ids, first node repeated at the end: ["a", "b", "a"]. */
export function findCycles(doc: GraphDocument): string[][] {
  const successors = new Map<string, string[]>();
  for (const id of Object.keys(doc.nodes)) successors.set(id, []);
  for (const { from, to } of doc.edges) {
    if (successors.has(from[0]) && successors.has(to[0])) successors.get(from[0])?.push(to[0]);
  }
  return stronglyConnected(successors)
    .filter((group) => group.length > 1 || successors.get(group[0])?.includes(group[0]))
    .map((group) => loopThrough(group, successors));
}

/** Tarjan's algorithm, iterative so long chains cannot overflow the stack. Groups in node order. */
function stronglyConnected(successors: Map<string, string[]>): string[][] {
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  for (const root of successors.keys()) {
    if (order.has(root)) continue;
    const work: Array<{ node: string; next: number }> = [{ node: root, next: 0 }];
    order.set(root, order.size);
    low.set(root, order.get(root) as number);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = successors.get(frame.node) as string[];
      if (frame.next < targets.length) {
        const target = targets[frame.next++];
        if (!order.has(target)) {
          order.set(target, order.size);
          low.set(target, order.get(target) as number);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, order.get(target) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent)
        low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) === order.get(frame.node)) {
        const group: string[] = [];
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          group.push(member);
        } while (member !== frame.node);
        groups.push(group);
      }
    }
  }
  const position = new Map([...successors.keys()].map((id, index) => [id, index]));
  const byPosition = (a: string, b: string) => (position.get(a) as number) - (position.get(b) as number);
  return groups.map((group) => group.sort(byPosition)).sort((a, b) => byPosition(a[0], b[0]));
}

/** Shortest loop from the group's first node back to itself (breadth-first inside the group). */
function loopThrough(group: string[], successors: Map<string, string[]>): string[] {
  const start = group[0];
  const members = new Set(group);
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i];
    for (const target of successors.get(node) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) return [...pathTo(node, previous, start), start];
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [...group, start];
}

function pathTo(node: string, previous: Map<string, string>, start: string): string[] {
  const path = [node];
  let current = node;
  while (current !== start) {
    current = previous.get(current) as string;
    path.unshift(current);
  }
  return path;
}
