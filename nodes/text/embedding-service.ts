// Textual-inversion embeddings for TextEncode's `embedding:name`, reached as
// `ctx.services.embeddings` (declared here by merging into NodeServices; implemented in
// main/services/embeddings.ts, which finds the file in the models' embeddings folders).
export interface LoadedEmbedding {
  /** The file it was read from, for messages. */
  file: string;
  /** How many prompt tokens it occupies. */
  tokens: number;
  /** [tokens, width] row-major. */
  vectors: Float32Array;
}

export interface EmbeddingLoader {
  /**
   * The embedding `name` (a file name with or without extension, relative to an embeddings folder)
   * for a text encoder `width` wide. A missing name is an error naming the folders searched; an
   * embedding of another width is an error naming both widths. `slot` picks one of SDXL's encoders
   * (the file must then be an SDXL embedding with clip_l and clip_g vectors); without it the file
   * must be an SD 1.x/2.x embedding.
   */
  load(name: string, width: number, slot?: 'clip_l' | 'clip_g'): Promise<LoadedEmbedding>;
}

declare module '../services.ts' {
  interface NodeServices {
    embeddings: EmbeddingLoader;
  }
}
