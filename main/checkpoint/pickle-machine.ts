// The pickle virtual machine's state for the restricted unpickler (pickle.ts): the byte reader, the
// stack with its MARKs, the memo, and the allow-list check on every GLOBAL.
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
export const MARK = Symbol('mark');

/** An object BUILD may set state on (inert placeholders for allowed classes). */
export interface Built {
  state?: unknown;
}

export class Reader {
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

export function littleEndianInt(bytes: Uint8Array): number {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  if (bytes.length > 0 && bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return Number(value);
}

export const utf8 = (b: Uint8Array) => new TextDecoder().decode(b);

export class Machine {
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
