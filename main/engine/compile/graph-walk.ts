// Depth-first walks with an explicit stack: a 10,000-node chain overflowed the call stack when
// the planner recursed once per node. Graph code walks with these helpers instead of recursion.

/**
 * Calls `finish(id)` for `start` and everything reachable through `children`, each once, every
 * node after all of its children (post-order, children in the order given). Nodes finished by an
 * earlier walk (`isDone`) are skipped; a node met again while still open (a loop) is skipped too.
 */
export function walkPostOrder(
  start: string,
  children: (id: string) => readonly string[],
  isDone: (id: string) => boolean,
  finish: (id: string) => void,
): void {
  if (isDone(start)) return;
  const open = new Set<string>([start]);
  const stack: Array<{ id: string; children: readonly string[]; next: number }> = [
    { id: start, children: children(start), next: 0 },
  ];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.next < frame.children.length) {
      const child = frame.children[frame.next++];
      if (isDone(child) || open.has(child)) continue;
      open.add(child);
      stack.push({ id: child, children: children(child), next: 0 });
      continue;
    }
    stack.pop();
    open.delete(frame.id);
    finish(frame.id);
  }
}
