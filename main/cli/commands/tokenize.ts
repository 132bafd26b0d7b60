// `diffgraph tokenize`: the CLIP token ids a prompt becomes (for checking prompts and tokenizers).
import { Command } from 'commander';
import { CliError } from '../exit.ts';
import { errorMessage } from '../util/problems.ts';

const EXAMPLES = `
Examples:
  $ diffgraph tokenize --tokenizer models/diffgraph-shapes/tokenizer "a red circle"
  $ diffgraph tokenize --tokenizer ~/sd15/tokenizer "a photo of a cat" | jq length

Prints the ids as a JSON array (BOS, tokens, EOS, padding: 77 for CLIP); warns on stderr when the text was cut.`;

export function tokenizeCommand(): Command {
  return new Command('tokenize')
    .description('print the CLIP token ids of a text as a JSON array')
    .requiredOption('--tokenizer <dir>', 'tokenizer folder (vocab.json + merges.txt, or tokenizer.json)')
    .argument('<text>', 'the text to tokenize')
    .addHelpText('after', EXAMPLES)
    .action(async (text: string, options: { tokenizer: string }) => {
      const { loadClipTokenizer } = await import('../../runtime/clip-tokenizer.ts');
      let tokenizer: ReturnType<typeof loadClipTokenizer>;
      try {
        tokenizer = loadClipTokenizer(options.tokenizer);
      } catch (error) {
        throw new CliError([`--tokenizer ${options.tokenizer}: ${errorMessage(error)}`]);
      }
      const { ids, truncated } = tokenizer.tokenize(text);
      if (truncated)
        process.stderr.write(`note: the text is longer than ${tokenizer.maxLength} tokens and was cut\n`);
      process.stdout.write(`${JSON.stringify(Array.from(ids))}\n`);
    });
}
