// Errors about what the user gave a node (a model file, a device, an image): the node turns
// them into NodeInputError on the widget named by `field`, so the editor marks the right widget.
import { NodeInputError } from './api.ts';

export type InputField =
  | 'file'
  | 'device'
  | 'tokenizer'
  | 'encoder_file'
  | 'image'
  | 'checkpoint'
  | 'lora'
  | 'features'
  | 'reference'
  | 'clip'
  | 'dataset'
  | 'classes'
  | 'out';

export class ModelInputError extends Error {
  constructor(
    readonly field: InputField,
    message: string,
  ) {
    super(message);
    this.name = 'ModelInputError';
  }
}

/**
 * Rethrow a ModelInputError as the node's NodeInputError on the widget that holds the bad value
 * (`widgets` maps error fields to the node's widget names); other errors pass through.
 */
export async function onWidgets<T>(
  widgets: Partial<Record<InputField, string>>,
  body: () => Promise<T>,
): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof ModelInputError)
      throw new NodeInputError(widgets[error.field] ?? error.field, error.message);
    throw error;
  }
}

/** `body()`, with any error it throws rethrown as NodeInputError on `input` (a refused path, a bad prefix). */
export function onInput<T>(input: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    throw new NodeInputError(input, (error as Error).message);
  }
}
