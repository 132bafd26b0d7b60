// `diffgraph convert`: a single-file .safetensors checkpoint (SD 1.x / 2.x) to a pipeline folder in the
// diffusers ONNX layout, optionally with LoRAs merged and another VAE.
import { Command, InvalidArgumentError, Option } from 'commander';
import { CliError, EXIT } from '../exit.ts';
import { errorMessage } from '../util/problems.ts';

const EXAMPLES = `
Examples:
  $ diffgraph convert ~/models/checkpoints/v1-5-pruned-emaonly.safetensors --out ~/models/sd15-onnx
  $ diffgraph convert sd21.safetensors --out sd21 --prediction v_prediction --dtype float16
  $ diffgraph convert model.safetensors --out styled --lora detail.safetensors:0.7 --lora ink.safetensors --vae vae-ft-mse.safetensors

Writes model_index.json, unet/, text_encoder/, vae_decoder/, vae_encoder/, tokenizer/ and scheduler/ (weights
in model.onnx_data files). The folder appears only when the whole conversion succeeded.`;

export interface LoraArg {
  path: string;
  strength: number;
}

/** FILE[:STRENGTH]; the strength is what follows the last colon when it is a number (Windows paths). */
export function parseLoraArg(value: string, previous: LoraArg[] = []): LoraArg[] {
  const colon = value.lastIndexOf(':');
  const tail = colon > 0 ? value.slice(colon + 1) : '';
  const isNumber = tail !== '' && Number.isFinite(Number(tail));
  if (colon > 0 && !isNumber && !/^[\\/]/.test(tail)) {
    throw new InvalidArgumentError(
      `"${value}": expected FILE or FILE:STRENGTH with a number, got strength "${tail}"`,
    );
  }
  const entry = isNumber
    ? { path: value.slice(0, colon), strength: Number(tail) }
    : { path: value, strength: 1 };
  return [...previous, entry];
}

interface ConvertCliOptions {
  out: string;
  lora: LoraArg[];
  vae?: string;
  dtype: 'float32' | 'float16';
  prediction: 'auto' | 'epsilon' | 'v_prediction';
  attention?: 'fused' | 'unfused';
}

export function convertCommand(): Command {
  return new Command('convert')
    .description('convert a .safetensors checkpoint to an ONNX pipeline folder (diffusers layout)')
    .argument('<checkpoint>', 'single-file SD 1.x/2.x checkpoint (.safetensors)')
    .requiredOption('--out <dir>', 'the pipeline folder to write (must not exist, or be empty)')
    .option('--lora <file[:strength]>', 'merge a LoRA (repeatable; strength 1 by default)', parseLoraArg, [])
    .option('--vae <file>', 'use this VAE (.safetensors, LDM or diffusers key layout)')
    .addOption(
      new Option('--dtype <dtype>', 'weight type').choices(['float32', 'float16']).default('float32'),
    )
    .addOption(
      new Option('--prediction <type>', 'what the U-Net predicts (auto: metadata, then heuristics)')
        .choices(['auto', 'epsilon', 'v_prediction'])
        .default('auto'),
    )
    .addOption(
      new Option(
        '--attention <form>',
        'U-Net attention: fused (CPU, CUDA) or unfused (any provider, WebGPU); default by --dtype',
      ).choices(['fused', 'unfused']),
    )
    .addHelpText('after', EXAMPLES)
    .action(async (checkpoint: string, options: ConvertCliOptions) => {
      const { convertCheckpoint, ConvertInputError } = await import('../../checkpoint/convert.ts');
      try {
        const result = await convertCheckpoint({
          checkpoint,
          out: options.out,
          loras: options.lora,
          vae: options.vae,
          dtype: options.dtype,
          prediction: options.prediction,
          attention: options.attention,
          onProgress: (step) => process.stderr.write(`building ${step}\n`),
          onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
        });
        process.stdout.write(
          `${result.out}: ${result.label}, ${result.prediction.prediction} (${result.prediction.source}), ${result.dtype}\n`,
        );
      } catch (error) {
        if (error instanceof ConvertInputError) throw new CliError([errorMessage(error)], EXIT.badInput);
        throw new CliError([`convert ${checkpoint}: ${errorMessage(error)}`], EXIT.failed);
      }
    });
}
