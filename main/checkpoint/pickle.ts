// A restricted unpickler for torch checkpoints. It interprets the pickle opcodes itself and never
// runs anything a file names: each GLOBAL must be on a short list of tensor-rebuilding functions and
// inert containers, or loading stops with an error naming the global (e.g. "os.system").
// Opcode semantics: CPython's Lib/pickle.py (protocols 0-5, the subset torch.save emits).
import { type Built, littleEndianInt, MARK, Machine, type PickleOptions, utf8 } from './pickle-machine.ts';

export { type GlobalHandler, type PickleOptions, PickleRefusedError } from './pickle-machine.ts';

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
