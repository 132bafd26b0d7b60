// Regression: node ids with terminal escape codes were printed raw.
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../main/engine/compile/validate.ts';
import { terminalSafe } from '../../../main/util/terminal-safe.ts';

describe('terminal-safe output', () => {
  it('escapes ESC, BEL, C1 CSI, DEL and newlines and keeps ordinary text', () => {
    expect(terminalSafe('a\u001b]0;pwned\u0007b')).toBe('a\\u001b]0;pwned\\u0007b');
    expect(terminalSafe('\u009b2J\u007f\nx\tü猫')).toBe('\\u009b2J\\u007f\\u000ax\\u0009ü猫');
  });

  it('formatProblem prints a hostile node id escaped, on one line', () => {
    const line = formatProblem({
      nodeId: 'evil\u001b[2J',
      code: 'cycle',
      message: 'Wires form a loop: evil\u001b[2J -> evil\u001b[2J',
    });
    expect(line).toBe('evil\\u001b[2J: Wires form a loop: evil\\u001b[2J -> evil\\u001b[2J [cycle]');
    expect(line).not.toMatch(/\p{Cc}/u);
  });
});
