// Regression: DIFFGRAPH_TOKEN=a was accepted. `diffgraph serve` now refuses a
// token under 128 bits before starting anything: exit 2, one plain line, no stack trace.
import { describe, expect, it } from 'vitest';
import { runCli, SLOW_TEST_MS } from './harness.ts';

describe('diffgraph serve with a weak DIFFGRAPH_TOKEN', { timeout: SLOW_TEST_MS }, () => {
  it('refuses it with the numbers named', async () => {
    const result = await runCli(['serve', '--host', '0.0.0.0', '--port', '0'], {
      env: { DIFFGRAPH_TOKEN: 'a' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('diffgraph: DIFFGRAPH_TOKEN: the access token is too weak');
    expect(result.stderr).toContain('at least 128 needed');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe('');
  });
});
