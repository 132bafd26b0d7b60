// The options the main process hands the engine's utility process, as one command-line argument
// (checked on arrival: the utility process trusts nothing it did not validate).
import { z } from 'zod';
import { DEVICE_NAMES, type DeviceName } from '../../nodes/api.ts';

const FLAG = '--engine-options=';

export const engineOptionsSchema = z.object({
  paths: z.object({ models: z.string(), input: z.string(), output: z.string() }),
  device: z.enum(DEVICE_NAMES as [DeviceName, ...DeviceName[]]),
  modelSearchPath: z.array(z.string()),
});
export type EngineProcessOptions = z.infer<typeof engineOptionsSchema>;

export function engineOptionsArg(options: EngineProcessOptions): string {
  return `${FLAG}${JSON.stringify(engineOptionsSchema.parse(options))}`;
}

export function engineOptionsFromArgv(argv: readonly string[]): EngineProcessOptions {
  const arg = argv.find((a) => a.startsWith(FLAG));
  if (!arg) throw new Error(`engine process: missing ${FLAG}<json> argument`);
  return engineOptionsSchema.parse(JSON.parse(arg.slice(FLAG.length)));
}
