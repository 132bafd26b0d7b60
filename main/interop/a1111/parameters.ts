// The `parameters` text A1111 and Forge write into their PNGs:
//   <prompt, possibly several lines, with <lora:name:weight> tags>
//   Negative prompt: <text, possibly several lines>
//   Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 42, Size: 512x768, ...
// The last line that holds `Steps:` is the settings line; values may be quoted when they contain commas.

export interface A1111Parameters {
  prompt: string;
  negative: string;
  loras: { name: string; weight: number }[];
  settings: Record<string, string>;
}

const SETTING = /\s*([\w][\w \-/+.]*?):\s*("(?:\\.|[^\\"])*"|[^,]*)(?:,|$)/g;
const LORA_TAG = /<lora:([^:>]+)(?::([^:>]+))?(?::[^>]*)?>/g;

function parseSettings(line: string): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const match of line.matchAll(SETTING)) {
    let value = match[2].trim();
    if (value.startsWith('"') && value.endsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        value = value.slice(1, -1);
      }
    }
    settings[match[1].trim()] = value;
  }
  return settings;
}

/** Parses the text; throws when there is no settings line (then it is not A1111 output). */
export function parseA1111Parameters(text: string): A1111Parameters {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let settingsIndex = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^\s*Steps:\s*\d/.test(lines[i])) {
      settingsIndex = i;
      break;
    }
  }
  if (settingsIndex < 0) throw new Error('the "parameters" text has no settings line ("Steps: ...")');
  const head = lines.slice(0, settingsIndex);
  const negativeAt = head.findIndex((line) => line.startsWith('Negative prompt:'));
  const promptLines = negativeAt < 0 ? head : head.slice(0, negativeAt);
  const negativeLines = negativeAt < 0 ? [] : head.slice(negativeAt);
  if (negativeLines.length) negativeLines[0] = negativeLines[0].slice('Negative prompt:'.length);
  const rawPrompt = promptLines.join('\n').trim();
  const loras = [...rawPrompt.matchAll(LORA_TAG)].map((m) => ({
    name: m[1],
    weight: m[2] === undefined || Number.isNaN(Number(m[2])) ? 1 : Number(m[2]),
  }));
  return {
    prompt: rawPrompt
      .replace(LORA_TAG, '')
      .replace(/\s+,/g, ',')
      .replace(/[ \t]{2,}/g, ' ')
      .trim(),
    negative: negativeLines.join('\n').trim(),
    loras,
    settings: parseSettings(lines.slice(settingsIndex).join(', ')),
  };
}
