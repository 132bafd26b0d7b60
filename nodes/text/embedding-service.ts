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
   * embedding of another width is an error naming both widths.
   */
  load(name: string, width: number): Promise<LoadedEmbedding>;
}

declare module '../services.ts' {
  interface NodeServices {
    embeddings: EmbeddingLoader;
  }
}
