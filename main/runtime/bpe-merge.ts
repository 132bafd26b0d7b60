// Byte-pair merging in O(n log n) instead of O(n²): the reference loop (OpenAI's
// simple_tokenizer.py `bpe`) rescans every pair after each merge, so a 100,000-letter word took
// 15 s. Same result: each round takes the lowest-ranked pair present and merges all of its
// occurrences left to right (non-overlapping); pairs formed during a round wait for the next one.
// Symbols sit in a linked list, candidate pairs in a binary heap ordered by (rank, position).

interface Candidate {
  rank: number;
  /** Position of the left symbol (its first character's index never changes). */
  left: number;
  /** The pair's text when queued; a merge since then makes the entry stale. */
  pair: string;
}

function before(a: Candidate, b: Candidate): boolean {
  return a.rank < b.rank || (a.rank === b.rank && a.left < b.left);
}

class CandidateHeap {
  private readonly items: Candidate[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Candidate | undefined {
    return this.items[0];
  }
  push(item: Candidate): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }
  pop(): Candidate | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const [l, r] = [2 * i + 1, 2 * i + 2];
        let smallest = i;
        if (l < items.length && before(items[l], items[smallest])) smallest = l;
        if (r < items.length && before(items[r], items[smallest])) smallest = r;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest], items[i]];
        i = smallest;
      }
    }
    return top;
  }
}

/** Merge `symbols` by `ranks` (pair text "left right" → rank; lower merges first). */
export function bpeMerge(symbols: readonly string[], ranks: ReadonlyMap<string, number>): string[] {
  const text = [...symbols];
  const next = symbols.map((_, i) => (i + 1 < symbols.length ? i + 1 : -1));
  const prev = symbols.map((_, i) => i - 1);
  const alive = symbols.map(() => true);
  const heap = new CandidateHeap();
  const queue = (left: number) => {
    const right = left < 0 ? -1 : next[left];
    if (right < 0) return;
    const pair = `${text[left]} ${text[right]}`;
    const rank = ranks.get(pair);
    if (rank !== undefined) heap.push({ rank, left, pair });
  };
  for (let i = 0; i + 1 < symbols.length; i++) queue(i);
  while (heap.size > 0) {
    const rank = (heap.peek() as Candidate).rank;
    // One round: every queued occurrence of this pair, left to right.
    const round: Candidate[] = [];
    while (heap.size > 0 && (heap.peek() as Candidate).rank === rank) round.push(heap.pop() as Candidate);
    const touched: number[] = [];
    for (const { left, pair } of round) {
      const right = next[left];
      if (!alive[left] || right < 0 || `${text[left]} ${text[right]}` !== pair) continue;
      text[left] += text[right];
      alive[right] = false;
      next[left] = next[right];
      if (next[right] >= 0) prev[next[right]] = left;
      touched.push(left);
    }
    for (const left of touched) {
      if (!alive[left]) continue;
      queue(prev[left]);
      queue(left);
    }
  }
  const out: string[] = [];
  for (let i = 0; i >= 0 && i < text.length; i = next[i]) out.push(text[i]);
  return out;
}
