// JSON.parse keeps only the last of repeated keys, so two nodes saved under one id would
// silently become one. This scanner finds repeated keys in the raw text (already known to be
// valid JSON) so the loader can report them.

export interface DuplicateKey {
  /** Keys and array indexes leading to the object that repeats `key`. */
  path: string[];
  key: string;
}

interface ObjectFrame {
  kind: 'object';
  path: string[];
  keys: Set<string>;
  key: string;
}
interface ArrayFrame {
  kind: 'array';
  path: string[];
  index: number;
}

const QUOTE = 34;
const BACKSLASH = 92;

export function findDuplicateKeys(text: string): DuplicateKey[] {
  const duplicates: DuplicateKey[] = [];
  const stack: Array<ObjectFrame | ArrayFrame> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = endOfString(text, i);
      const top = stack[stack.length - 1];
      if (expectKey && top?.kind === 'object') {
        const raw = text.slice(i, end + 1);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.keys.has(key)) duplicates.push({ path: top.path, key });
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = end;
    } else if (c === '{') {
      stack.push({ kind: 'object', path: childPath(stack), keys: new Set(), key: '' });
      expectKey = true;
    } else if (c === '[') {
      stack.push({ kind: 'array', path: childPath(stack), index: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'object') expectKey = true;
      else if (top) top.index += 1;
    }
  }
  return duplicates;
}

function childPath(stack: Array<ObjectFrame | ArrayFrame>): string[] {
  const top = stack[stack.length - 1];
  if (!top) return [];
  return [...top.path, top.kind === 'object' ? top.key : String(top.index)];
}

/** Index of the closing quote of the string starting at `start`. */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) i++;
    else if (code === QUOTE) return i;
  }
  return text.length - 1;
}
