// Open any model file Diffgraph reads, by its content rather than its extension: safetensors
// (8-byte length then "{"), or a torch zip checkpoint through the restricted unpickler. Old
// pickle-only torch files and anything else are refused by the readers with a clear message.
import { open } from 'node:fs/promises';
import { openSafetensors } from './safetensors-read.ts';
import type { TensorSource } from './tensor-source.ts';
import { openTorchCheckpoint } from './torch-checkpoint.ts';

export type OpenedTensorFile = TensorSource & { close(): Promise<void> };

export async function openTensorFile(path: string): Promise<OpenedTensorFile> {
  const head = new Uint8Array(9);
  const file = await open(path, 'r');
  try {
    await file.read(head, 0, 9, 0);
  } finally {
    await file.close();
  }
  // Safetensors first: its header length's low byte may be 0x80 too (a 0x..80-byte header).
  if (head[8] === 0x7b) return openSafetensors(path); // "{" after the 8-byte length
  const isZip = head[0] === 0x50 && head[1] === 0x4b; // "PK"
  const isPickle = head[0] === 0x80; // pickle PROTO: the legacy torch format
  return isZip || isPickle ? openTorchCheckpoint(path) : openSafetensors(path);
}
