"""Reference outputs of SDXL's text conditioning on the tiny SDXL checkpoints' text encoders, computed by the original code.

    npx tsx scripts/reference/make-checkpoints.ts /tmp/ckpt sdxl
    /usr/bin/python3 scripts/reference/sdxl_text.py /tmp/ckpt

Base: sgm's FrozenCLIPEmbedder(layer="hidden", layer_idx=-2) on CLIP-L (ids padded with EOS, as its HF
tokenizer pads) and FrozenOpenCLIPEmbedder2(layer="penultimate", always_return_pooled=True) on bigG (ids padded
with 0, as open_clip pads); the cross-attention context is their concatenation on the last axis, as sgm's
GeneralConditioner concatenates "crossattn" outputs. Refiner: bigG alone. Writes
test/fixtures/reference/text/sdxl-base and sdxl-refiner (a few leading and trailing token rows, to stay small).
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import text  # noqa: E402  (tiny config, prompts and reference_models on sys.path)
import fixture_io  # noqa: E402

rm = text.rm


def clip_l_penultimate(state, prefix, heads):
    cfg = rm.CLIPTextConfig(hidden_size=text.WIDTH, intermediate_size=text.MLP, num_hidden_layers=text.LAYERS,
                            num_attention_heads=heads, hidden_act="quick_gelu", eos_token_id=2)
    model = rm.load(rm.CLIPTextModel(cfg), state, prefix)
    ids = text.prompt_ids(text.EOS)
    embedder = rm.embedders.FrozenCLIPEmbedder(model, layer="hidden", layer_idx=-2)
    return ids, embedder(ids)


def clip_g(state, prefix, heads):
    model = rm.load(rm.OpenCLIPText(text.WIDTH, heads, text.LAYERS, text.PROJ), state, prefix)
    ids = text.prompt_ids(0)
    embedder = rm.embedders.FrozenOpenCLIPEmbedder2(model, layer="penultimate", always_return_pooled=True)
    penultimate, pooled = embedder(ids)
    return ids, penultimate, pooled


def base(path, heads=text.HEADS):
    state, _ = rm.read_safetensors(path)
    ids_l, l_states = clip_l_penultimate(state, "conditioner.embedders.0.transformer.", heads)
    ids_g, g_states, pooled = clip_g(state, "conditioner.embedders.1.model.", heads)
    return {
        "input_ids_l": ids_l, "input_ids_g": ids_g,
        "penultimate_l": l_states, "penultimate_g": g_states,
        "crossattn": torch.cat([l_states, g_states], dim=2), "text_embeds": pooled,
    }


def refiner(path):
    state, _ = rm.read_safetensors(path)
    ids_g, g_states, pooled = clip_g(state, "conditioner.embedders.0.model.", text.HEADS)
    return {"input_ids_g": ids_g, "crossattn": g_states, "text_embeds": pooled}


# The tiny towers have 4 heads of 16 (pass headWidth 16 to the structure readers); a checkpoint loader
# reads them with the real 64-wide heads, i.e. one head: `sdxl-base-checkpoint` is what it must compute.
PARTS = (("sdxl-base", "tiny-sdxl", base), ("sdxl-refiner", "tiny-sdxl-refiner", refiner),
         ("sdxl-base-checkpoint", "tiny-sdxl", lambda path: base(path, heads=text.WIDTH // 64)))


def main(ckpt_dir):
    for layout, name, run in PARTS:
        path = os.path.join(ckpt_dir, name + ".safetensors")
        outputs = run(path)
        arrays = {k: (v[:, text.KEPT] if v.dim() == 3 else v).numpy() for k, v in outputs.items()}
        fixture_io.write(os.path.join(text.ROOT, "test", "fixtures", "reference", "text", layout), arrays, {
            "checkpoint": name + ".safetensors", "sha256": fixture_io.sha256(path), "kept_tokens": text.KEPT,
            "source": "scripts/reference/sdxl_text.py (../shared/reference-ldm: hf_clip_text.py, open_clip, "
                      "sgm_embedders)",
        })


if __name__ == "__main__":
    main(sys.argv[1])
