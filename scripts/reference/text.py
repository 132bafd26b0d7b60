"""Reference outputs of the SD text encoders on the tiny checkpoints, computed by the original code.

    npx tsx scripts/reference/make-checkpoints.ts /tmp/ckpt text
    /usr/bin/python3 scripts/reference/text.py /tmp/ckpt
    npx tsx scripts/reference/make-checkpoints.ts /tmp/ckpt checkpoint
    /usr/bin/python3 scripts/reference/text.py /tmp/ckpt checkpoint

SD 1.x: transformers' CLIPTextModel (ported in ../shared/reference-ldm/hf_clip_text.py) as sgm's
FrozenCLIPEmbedder runs it. SD 2.x: open_clip's text transformer with sgm's FrozenOpenCLIPEmbedder
("penultimate" then ln_final) and FrozenOpenCLIPEmbedder2's pooling. Writes test/fixtures/reference/text/<layout>/
with the token ids, the tokens kept (a few leading and trailing rows, to keep fixtures small) and the
checkpoint's sha256.
"""
import os
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "..", "shared", "reference-ldm"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_models as rm  # noqa: E402
import fixture_io  # noqa: E402

# Must match test/fixtures/checkpoints/tiny-clip.ts (TINY_CLIP, tinyPromptIds).
WIDTH, HEADS, MLP, LAYERS, PROJ, T = 64, 4, 256, 3, 32, 77
BOS, EOS = 49406, 49407
PROMPTS = [[320, 1125, 539, 320, 2368], [10000, 2, 49405, 7, 300, 301, 302, 303, 30000]]
KEPT = list(range(12)) + list(range(72, 77))


def prompt_ids(pad):
    ids = np.full((2, T), pad, dtype=np.int64)
    for row, words in enumerate(PROMPTS):
        seq = [BOS] + words + [EOS]
        ids[row, :len(seq)] = seq
    return torch.from_numpy(ids)


def clip_l(path, heads=HEADS):
    state, _ = rm.read_safetensors(path)
    cfg = rm.CLIPTextConfig(hidden_size=WIDTH, intermediate_size=MLP, num_hidden_layers=LAYERS,
                            num_attention_heads=heads, hidden_act="quick_gelu", eos_token_id=2)
    model = rm.load(rm.CLIPTextModel(cfg), state, "cond_stage_model.transformer.")
    ids = prompt_ids(EOS)
    out = model(input_ids=ids)
    last = rm.embedders.FrozenCLIPEmbedder(model, layer="last")(ids)
    assert torch.equal(last, out["last_hidden_state"])
    penultimate = out["hidden_states"][-2]
    return ids, {
        "last_hidden_state": last,
        "pooler_output": out["pooler_output"],
        "penultimate": penultimate,
        # Clip skip 2 as A1111 and ComfyUI compute it: the final layer norm on the penultimate layer.
        "penultimate_normed": model.text_model.final_layer_norm(penultimate),
    }


def open_clip(path):
    state, _ = rm.read_safetensors(path)
    model = rm.load(rm.OpenCLIPText(WIDTH, HEADS, LAYERS, PROJ), state, "cond_stage_model.model.")
    ids = prompt_ids(0)
    states = model.hidden_states(ids)
    sd2 = rm.embedders.FrozenOpenCLIPEmbedder(model, layer="penultimate")(ids)  # what SD 2.x conditions on
    pool = rm.embedders.FrozenOpenCLIPEmbedder2(model, layer="penultimate", always_return_pooled=True)
    penultimate, text_embeds = pool(ids)
    assert torch.allclose(penultimate, states[-2])
    last = model.ln_final(states[-1])
    return ids, {
        "last_hidden_state": last,
        "pooler_output": last[torch.arange(2), ids.argmax(dim=-1)],
        "text_embeds": text_embeds,
        "penultimate": penultimate,
        "penultimate_normed": sd2,
    }


# The whole tiny SD 1.x checkpoint's text encoder as a checkpoint loader reads it: real CLIP-L has
# 64-wide heads, so a 64-wide tiny one has one head (`checkpoint` part, for TextEncode's node tests).
CHECKPOINT_PARTS = (("sd1-checkpoint", "tiny-sd1", lambda path: clip_l(path, heads=WIDTH // 64)),)
TEXT_PARTS = (("hf", "tiny-clip-l", clip_l), ("openclip", "tiny-openclip", open_clip))


def main(ckpt_dir, part="text"):
    for layout, name, run in CHECKPOINT_PARTS if part == "checkpoint" else TEXT_PARTS:
        path = os.path.join(ckpt_dir, name + ".safetensors")
        ids, outputs = run(path)
        arrays = {k: (v[:, KEPT] if v.dim() == 3 else v).numpy() for k, v in outputs.items()}
        arrays["input_ids"] = ids.numpy().astype(np.float32)
        fixture_io.write(os.path.join(ROOT, "test", "fixtures", "reference", "text", layout), arrays, {
            "checkpoint": name + ".safetensors", "sha256": fixture_io.sha256(path), "kept_tokens": KEPT,
            "source": "scripts/reference/text.py (../shared/reference-ldm: hf_clip_text.py, open_clip, sgm_embedders)",
        })


if __name__ == "__main__":
    main(*sys.argv[1:3])
