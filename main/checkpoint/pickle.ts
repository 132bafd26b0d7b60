// A restricted unpickler for torch checkpoints. It interprets the pickle opcodes itself and never
// runs anything a file names: each GLOBAL must be on a short list of tensor-rebuilding functions and
// inert containers, or loading stops with an error naming the global (e.g. "os.system").
// Opcode semantics: CPython's Lib/pickle.py (protocols 0-5, the subset torch.save emits).

/** A global the file named, once allowed: how to build a value from REDUCE/NEWOBJ arguments. */
export type GlobalHandler = (args: unknown[]) => unknown;

export interface PickleOptions {
  /** Where the pickle comes from, for errors. */
  file: string;
  /** "module.name" → handler; anything else is refused. */
  globals: ReadonlyMap<string, GlobalHandler>;
  /** Resolves a persistent id (torch: a storage reference). */
  persistentLoad: (pid: unknown) => unknown;
}

export class PickleRefusedError extends Error {
  constructor(
    readonly file: string,
    readonly global: string,
  ) {
    super(
      `${file}: refused to load: the pickle names the global "${global}", which is not part of a plain tensor checkpoint (Diffgraph never runs code from model files). Convert the file to .safetensors with a tool you trust, or use a .safetensors release of the model`,
    );
    this.name = 'PickleRefusedError';
  }
}

/** The mark separating a MARK'ed run on the stack. */
const MARK = Symbol('mark');

/** An object BUILD may set state on (inert placeholders for allowed classes). */
export interface Built {
  state?: unknown;
}

class Reader {
  pos = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string,
  ) {}
  private view = () => new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  need(n: number): number {
    if (this.pos + n > this.bytes.length)
      throw new Error(`${this.file}: pickle ends in the middle of an opcode`);
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u8 = () => this.bytes[this.need(1)];
  u16 = () => this.view().getUint16(this.need(2), true);
  u32 = () => this.view().getUint32(this.need(4), true);
  i32 = () => this.view().getInt32(this.need(4), true);
  u64 = () => Number(this.view().getBigUint64(this.need(8), true));
  f64 = () => this.view().getFloat64(this.need(8), false); // BINFLOAT is big-endian
  take = (n: number) => this.bytes.subarray(this.need(n), this.pos);
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw new Error(`${this.file}: pickle text argument without a newline`);
    const text = new TextDecoder().decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return text;
  }
}

function littleEndianInt(bytes: Uint8Array): number {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  if (bytes.length > 0 && bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return Number(value);
}

const utf8 = (b: Uint8Array) => new TextDecoder().decode(b);

class Machine {
  readonly stack: unknown[] = [];
  readonly memo = new Map<number, unknown>();
  readonly r: Reader;
  constructor(
    bytes: Uint8Array,
    readonly options: PickleOptions,
  ) {
    this.r = new Reader(bytes, options.file);
  }
  push = (value: unknown) => {
    this.stack.push(value);
  };
  pop = (): unknown => {
    if (this.stack.length === 0) throw new Error(`${this.options.file}: pickle pops an empty stack`);
    return this.stack.pop();
  };
  top = (): unknown => this.stack.at(-1);
  popMark = (): unknown[] => {
    const at = this.stack.lastIndexOf(MARK);
    if (at < 0) throw new Error(`${this.options.file}: pickle has no MARK where one is needed`);
    const items = this.stack.slice(at + 1);
    this.stack.length = at;
    return items;
  };
  global = (module: string, name: string): GlobalHandler => {
    const full = `${module}.${name}`;
    const handler = this.options.globals.get(full);
    if (!handler) throw new PickleRefusedError(this.options.file, full);
    return handler;
  };
  call = (fn: unknown, args: unknown): unknown => {
    if (typeof fn !== 'function')
      throw new Error(`${this.options.file}: pickle calls something that is not an allowed global`);
    return (fn as GlobalHandler)(Array.isArray(args) ? args : [args]);
  };
  setItems = (target: unknown, items: unknown[]) => {
    if (!(target instanceof Map)) throw new Error(`${this.options.file}: pickle sets items on a non-dict`);
    for (let i = 0; i + 1 < items.length; i += 2) target.set(items[i], items[i + 1]);
  };
  memoGet = (index: number): unknown => {
    if (!this.memo.has(index))
      throw new Error(`${this.options.file}: pickle refers to memo slot ${index}, which was never set`);
    return this.memo.get(index);
  };
}

type Op = (m: Machine) => void;

/** Values, containers and the memo. */
const DATA_OPS: [number, Op][] = [
  [0x80, (m) => void m.r.u8()], // PROTO
  [0x95, (m) => void m.r.u64()], // FRAME
  [0x7d, (m) => m.push(new Map())], // EMPTY_DICT
  [0x5d, (m) => m.push([])], // EMPTY_LIST
  [0x29, (m) => m.push([])], // EMPTY_TUPLE
  [0x8f, (m) => m.push(new Set())], // EMPTY_SET
  [0x28, (m) => m.push(MARK)], // MARK
  [0x4e, (m) => m.push(null)], // NONE
  [0x88, (m) => m.push(true)], // NEWTRUE
  [0x89, (m) => m.push(false)], // NEWFALSE
  [0x4a, (m) => m.push(m.r.i32())], // BININT
  [0x4b, (m) => m.push(m.r.u8())], // BININT1
  [0x4d, (m) => m.push(m.r.u16())], // BININT2
  [0x8a, (m) => m.push(littleEndianInt(m.r.take(m.r.u8())))], // LONG1
  [0x8b, (m) => m.push(littleEndianInt(m.r.take(m.r.u32())))], // LONG4
  [0x47, (m) => m.push(m.r.f64())], // BINFLOAT
  [0x49, (m) => m.push(textInt(m.r.line()))], // INT
  [0x4c, (m) => m.push(Number(m.r.line().replace(/L$/, '')))], // LONG
  [0x58, (m) => m.push(utf8(m.r.take(m.r.u32())))], // BINUNICODE
  [0x8c, (m) => m.push(utf8(m.r.take(m.r.u8())))], // SHORT_BINUNICODE
  [0x8d, (m) => m.push(utf8(m.r.take(m.r.u64())))], // BINUNICODE8
  [0x54, (m) => m.push(utf8(m.r.take(m.r.u32())))], // BINSTRING
  [0x55, (m) => m.push(utf8(m.r.take(m.r.u8())))], // SHORT_BINSTRING
  [0x42, (m) => m.push(m.r.take(m.r.u32()).slice())], // BINBYTES
  [0x43, (m) => m.push(m.r.take(m.r.u8()).slice())], // SHORT_BINBYTES
  [0x8e, (m) => m.push(m.r.take(m.r.u64()).slice())], // BINBYTES8
  [0x71, (m) => void m.memo.set(m.r.u8(), m.top())], // BINPUT
  [0x72, (m) => void m.memo.set(m.r.u32(), m.top())], // LONG_BINPUT
  [0x94, (m) => void m.memo.set(m.memo.size, m.top())], // MEMOIZE
  [0x68, (m) => m.push(m.memoGet(m.r.u8()))], // BINGET
  [0x6a, (m) => m.push(m.memoGet(m.r.u32()))], // LONG_BINGET
];

/** Tuples, lists, dicts, sets and stack shuffling. */
const CONTAINER_OPS: [number, Op][] = [
  [0x74, (m) => m.push(m.popMark())], // TUPLE
  [0x85, (m) => m.push([m.pop()])], // TUPLE1
  [
    0x86,
    (m) => {
      const b = m.pop();
      m.push([m.pop(), b]);
    },
  ], // TUPLE2
  [
    0x87,
    (m) => {
      const c = m.pop();
      const b = m.pop();
      m.push([m.pop(), b, c]);
    },
  ], // TUPLE3
  [0x6c, (m) => m.push(m.popMark())], // LIST
  [
    0x64,
    (m) => {
      const d = new Map();
      m.setItems(d, m.popMark());
      m.push(d);
    },
  ], // DICT
  [
    0x61,
    (m) => {
      const v = m.pop();
      (m.top() as unknown[]).push(v);
    },
  ], // APPEND
  [
    0x65,
    (m) => {
      const items = m.popMark();
      (m.top() as unknown[]).push(...items);
    },
  ], // APPENDS
  [
    0x73,
    (m) => {
      const v = m.pop();
      const k = m.pop();
      m.setItems(m.top(), [k, v]);
    },
  ], // SETITEM
  [
    0x75,
    (m) => {
      const items = m.popMark(); // before top(): the dict lies under the mark
      m.setItems(m.top(), items);
    },
  ], // SETITEMS
  [
    0x90,
    (m) => {
      for (const item of m.popMark()) (m.top() as Set<unknown>).add(item);
    },
  ], // ADDITEMS
  [0x91, (m) => m.push(new Set(m.popMark()))], // FROZENSET
  [0x30, (m) => void m.pop()], // POP
  [0x31, (m) => void m.popMark()], // POP_MARK
  [0x32, (m) => m.push(m.top())], // DUP
];

/** The only opcodes that reach outside the data: each goes through the allowlist. */
const CALL_OPS: [number, Op][] = [
  [
    0x63,
    (m) => {
      const module = m.r.line();
      m.push(m.global(module, m.r.line()));
    },
  ], // GLOBAL
  [
    0x93,
    (m) => {
      const name = m.pop();
      m.push(m.global(String(m.pop()), String(name)));
    },
  ], // STACK_GLOBAL
  [
    0x52,
    (m) => {
      const args = m.pop();
      m.push(m.call(m.pop(), args));
    },
  ], // REDUCE
  [
    0x81,
    (m) => {
      const args = m.pop();
      m.push(m.call(m.pop(), args));
    },
  ], // NEWOBJ
  [
    0x62,
    (m) => {
      const state = m.pop();
      build(m.top(), state, m.options.file);
    },
  ], // BUILD
  [0x51, (m) => m.push(m.options.persistentLoad(m.pop()))], // BINPERSID
];

const OPS = new Map<number, Op>([...DATA_OPS, ...CONTAINER_OPS, ...CALL_OPS]);
const STOP = 0x2e;

function textInt(text: string): number | boolean {
  if (text === '01') return true;
  if (text === '00') return false;
  return Number(text);
}

/** Interpret `bytes` as a pickle under `options`; returns the unpickled value. */
export function unpickle(bytes: Uint8Array, options: PickleOptions): unknown {
  const m = new Machine(bytes, options);
  for (;;) {
    const at = m.r.pos;
    const op = m.r.u8();
    if (op === STOP) return m.pop();
    const handler = OPS.get(op);
    if (!handler) {
      throw new Error(
        `${options.file}: pickle opcode 0x${op.toString(16)} at byte ${at} is not supported by the restricted reader`,
      );
    }
    handler(m);
  }
}

/** BUILD: an OrderedDict's or placeholder's state; anything else is a malformed checkpoint. */
function build(target: unknown, state: unknown, file: string): void {
  if (target instanceof Map) return; // OrderedDict metadata (`_metadata`) — not needed
  if (target && typeof target === 'object' && 'state' in target) {
    (target as Built).state = state;
    return;
  }
  if (target && typeof target === 'object') return; // tensors: BUILD carries only Python attributes
  throw new Error(`${file}: pickle BUILD on a ${typeof target}`);
}
