// ComfyUI sampling nodes on import: sampler and scheduler names (mapped, or reported when we lack
// one), KSamplerAdvanced's step range and add_noise, and the custom-sampling family folded into one
// Sampler.
import { describe, expect, it } from 'vitest';
import { importApiPrompt } from '../../../main/interop/comfy/api-format.ts';
import { structure } from './helpers.ts';

describe('sampler and scheduler names', () => {
  const ksampler = (sampler: string, scheduler: string) => ({
    '1': {
      class_type: 'KSampler',
      inputs: { seed: 1, steps: 4, cfg: 7, sampler_name: sampler, scheduler, denoise: 1 },
    },
  });

  it('maps each name Diffgraph has', () => {
    for (const name of [
      'euler',
      'euler_ancestral',
      'heun',
      'lms',
      'dpmpp_2m',
      'dpmpp_2m_sde',
      'ddpm',
      'ddim',
      'lcm',
    ]) {
      expect(importApiPrompt(ksampler(name, 'normal')).doc.nodes['1'].widgets.sampler).toBe(name);
    }
    for (const name of ['normal', 'karras', 'exponential', 'sgm_uniform', 'simple', 'ddim_uniform']) {
      expect(importApiPrompt(ksampler('euler', name)).doc.nodes['1.schedule'].widgets.scheduler).toBe(name);
    }
  });

  it('reports a name we lack instead of swapping it', () => {
    const sampler = importApiPrompt(ksampler('uni_pc', 'normal'));
    expect(sampler.doc.nodes['1'].type).toBe('comfy:KSampler');
    expect(sampler.report.unmapped[0].reason).toMatch(/sampler "uni_pc" has no Diffgraph equivalent/);
    const scheduler = importApiPrompt(ksampler('euler', 'beta'));
    expect(scheduler.report.unmapped[0].reason).toMatch(/scheduler "beta"/);
  });
});

describe('KSamplerAdvanced and the custom-sampling family', () => {
  const advanced = (start: number, end: number, addNoise: string) => ({
    '1': {
      class_type: 'KSamplerAdvanced',
      inputs: {
        add_noise: addNoise,
        noise_seed: 3,
        steps: 10,
        cfg: 4,
        sampler_name: 'euler',
        scheduler: 'normal',
        start_at_step: start,
        end_at_step: end,
        return_with_leftover_noise: 'enable',
      },
    },
  });

  it('maps the full step range, with add_noise', () => {
    const { doc } = importApiPrompt(advanced(0, 10000, 'disable'));
    expect(doc.nodes['1'].widgets).toEqual({
      sampler: 'euler',
      cfg: 4,
      seed: 3,
      add_noise: false,
      leftover_noise: true,
    });
  });

  it('maps a partial step range onto the schedule', () => {
    const { doc, report } = importApiPrompt(advanced(4, 7, 'enable'));
    expect(report.unmapped).toEqual([]);
    expect(doc.nodes['1.schedule'].widgets).toEqual({
      scheduler: 'normal',
      steps: 10,
      denoise: 1,
      start_at_step: 4,
      end_at_step: 7,
    });
    expect(doc.nodes['1'].widgets).toMatchObject({ add_noise: true, leftover_noise: true });
  });

  it('reports a step number that is not a whole number ≥ 0', () => {
    const { report } = importApiPrompt(advanced(-1, 7, 'enable'));
    expect(report.unmapped[0].reason).toMatch(/start_at_step.*whole step number/);
  });

  it('folds KSamplerSelect, RandomNoise and CFGGuider into one Sampler', () => {
    const { doc, report } = importApiPrompt({
      ckpt: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'diffgraph-shapes' } },
      pos: { class_type: 'CLIPTextEncode', inputs: { text: 'a red circle', clip: ['ckpt', 1] } },
      neg: { class_type: 'CLIPTextEncode', inputs: { text: '', clip: ['ckpt', 1] } },
      guider: {
        class_type: 'CFGGuider',
        inputs: { cfg: 3.5, model: ['ckpt', 0], positive: ['pos', 0], negative: ['neg', 0] },
      },
      noise: { class_type: 'RandomNoise', inputs: { noise_seed: 11 } },
      select: { class_type: 'KSamplerSelect', inputs: { sampler_name: 'heun' } },
      sigmas: {
        class_type: 'KarrasScheduler',
        inputs: { steps: 6, sigma_max: 14.6, sigma_min: 0.03, rho: 7 },
      },
      latent: { class_type: 'EmptyLatentImage', inputs: { width: 128, height: 128, batch_size: 1 } },
      sample: {
        class_type: 'SamplerCustomAdvanced',
        inputs: {
          noise: ['noise', 0],
          guider: ['guider', 0],
          sampler: ['select', 0],
          sigmas: ['sigmas', 0],
          latent_image: ['latent', 0],
        },
      },
    });
    expect(report.unmapped).toEqual([]);
    expect(Object.keys(doc.nodes).sort()).toEqual(['ckpt', 'latent', 'neg', 'pos', 'sample', 'sigmas']);
    expect(doc.nodes.sample.widgets).toEqual({ sampler: 'heun', cfg: 3.5, seed: 11, add_noise: true });
    expect(doc.nodes.sigmas.widgets).toEqual({
      scheduler: 'karras',
      steps: 6,
      denoise: 1,
      sigma_min: 0.03,
      sigma_max: 14.6,
    });
    const edges = structure(doc).edges;
    expect(edges).toContain(
      JSON.stringify([
        ['ckpt', 'model'],
        ['sample', 'model'],
      ]),
    );
    expect(edges).toContain(
      JSON.stringify([
        ['pos', 'conditioning'],
        ['sample', 'positive'],
      ]),
    );
    expect(edges).toContain(
      JSON.stringify([
        ['sigmas', 'schedule'],
        ['sample', 'schedule'],
      ]),
    );
    // the Karras schedule has no model input in ComfyUI; it borrows the sampler's
    expect(edges).toContain(
      JSON.stringify([
        ['ckpt', 'model'],
        ['sigmas', 'model'],
      ]),
    );
  });
});
