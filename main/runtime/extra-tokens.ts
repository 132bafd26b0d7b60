// Names of the text encoder Diffgraph writes beside optimum's `text_encoder/model.onnx`: the same
// network taking textual-inversion vectors (built by main/checkpoint/build/text-encoder-extra-tokens.ts).
export const EXTRA_TOKENS_FILE = 'extra_tokens.onnx';
/** float32 [n, width]; a negative id -k in input_ids selects row k-1. */
export const EXTRA_TOKENS_INPUT = 'extra_token_embeddings';
