// Lists the editor keeps from the host: models, input images, graph files.
import { host } from '../host/host.ts';
import { editor, toast } from './editor.ts';

export async function refreshModels(): Promise<void> {
  try {
    editor.set({ models: await host().listModels() });
  } catch (error) {
    toast(`Could not list models: ${(error as Error).message}`, 'error');
  }
}

export async function refreshInputs(): Promise<void> {
  try {
    editor.set({ inputs: await host().listInputs() });
  } catch (error) {
    toast(`Could not list input images: ${(error as Error).message}`, 'error');
  }
}

export async function refreshGraphs(): Promise<void> {
  try {
    editor.set({ graphs: await host().listGraphs() });
  } catch (error) {
    toast(`Could not list graphs: ${(error as Error).message}`, 'error');
  }
}
