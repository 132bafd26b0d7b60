// Socket and wire colours stay tellable apart, also for colour-blind users. The simulations are
// culori's (Machado, Oliveira & Fernandes 2009, full severity) and the distance is CIEDE2000
// (Sharma, Wu & Dalal 2005): independent of anything in the app.

import type { Color } from 'culori';
import {
  differenceCiede2000,
  filterDeficiencyDeuter,
  filterDeficiencyProt,
  filterDeficiencyTrit,
  oklch,
  parse,
} from 'culori';
import { describe, expect, it } from 'vitest';
import { SOCKET_TYPE_NAMES, SOCKET_TYPES, type SocketType } from '../../../nodes/api.ts';

/** ΔE00 of 10 is a difference seen at a glance on a thin wire (about 4× the just-noticeable 2.3). */
const MIN_DELTA_E = 10;

const deltaE = differenceCiede2000();
const VISIONS: Record<string, (c: Color) => Color> = {
  normal: (c) => c,
  protanopia: filterDeficiencyProt(1),
  deuteranopia: filterDeficiencyDeuter(1),
  tritanopia: filterDeficiencyTrit(1),
};

function colour(type: SocketType) {
  const parsed = parse(SOCKET_TYPES[type].color);
  if (!parsed) throw new Error(`${type} has an unreadable colour ${SOCKET_TYPES[type].color}`);
  return parsed;
}

describe('socket colours', () => {
  for (const [vision, simulate] of Object.entries(VISIONS)) {
    it(`every pair of socket types differs by ΔE00 ≥ ${MIN_DELTA_E} (${vision})`, () => {
      const tooClose: string[] = [];
      for (const [i, a] of SOCKET_TYPE_NAMES.entries()) {
        for (const b of SOCKET_TYPE_NAMES.slice(i + 1)) {
          const d = deltaE(simulate(colour(a)), simulate(colour(b)));
          if (d < MIN_DELTA_E) tooClose.push(`${a}/${b} ΔE00 ${d.toFixed(1)}`);
        }
      }
      expect(tooClose).toEqual([]);
    });
  }

  it('draws VAE and LATENT in clearly different hues', () => {
    const vae = oklch(colour('VAE'));
    const latent = oklch(colour('LATENT'));
    const gap = Math.abs((((vae?.h ?? 0) - (latent?.h ?? 0) + 540) % 360) - 180);
    expect(gap).toBeGreaterThanOrEqual(40);
  });

  it('keeps every colour light enough to read on the dark canvas', () => {
    for (const type of SOCKET_TYPE_NAMES) expect(oklch(colour(type))?.l ?? 0).toBeGreaterThan(0.6);
  });
});
