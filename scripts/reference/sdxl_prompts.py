"""Reference outputs for SDXL prompts with a textual-inversion embedding and in several chunks, computed
by sgm's embedders on the tiny SDXL base checkpoint's text encoders (read with 64-wide heads, as a
checkpoint loader reads them), with each encoder's own embedding vectors (clip_l, clip_g) substituted
at the token embedding level, as ComfyUI does.

    npx tsx scripts/reference/make-checkpoints.ts /tmp/ckpt sdxl
    /usr/bin/python3 scripts/reference/sdxl_prompts.py /tmp/ckpt

Rows (start, tokens, end, padding; X0..X2 = the embedding's three vectors), each run through both
encoders (CLIP-L padded with its end token, bigG with 0); penultimate_* is SDXL's conditioning, last_* the last
layer's output without the final norm (ComfyUI's CLIPSetLastLayer -1 on SDXL sets both encoders to it):
  0: "a X0 X1 X2 photo of"   1: 75 x "cat" (a full chunk)   2: 5 x "cat"   3: "" (empty)   4: "a photo of"
A long prompt or BREAK is several of these rows side by side along the sequence; ComfyUI pads the
encoder with fewer chunks with empty-prompt chunks (row 3) and pools the first chunk. Writes
test/fixtures/reference/text/sdxl-prompts/ (a few leading and trailing token rows, to stay small).
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import text  # noqa: E402  (tiny config and reference_models on sys.path)
import fixture_io  # noqa: E402
from text_prompts import A, CAT, OF, PHOTO, Substituted  # noqa: E402

rm = text.rm
ROWS = [[A, -1, -2, -3, PHOTO, OF], [CAT] * 75, [CAT] * 5, [], [A, PHOTO, OF]]
HEADS = text.WIDTH // 64


def prompt_ids(pad):
    ids = np.full((len(ROWS), text.T), pad, dtype=np.int64)
    for row, words in enumerate(ROWS):
        seq = [text.BOS] + words + [text.EOS]
        ids[row, :len(seq)] = seq
    return torch.from_numpy(ids)


def clip_l(state, vectors):
    cfg = rm.CLIPTextConfig(hidden_size=text.WIDTH, intermediate_size=text.MLP, num_hidden_layers=text.LAYERS,
                            num_attention_heads=HEADS, hidden_act="quick_gelu", eos_token_id=2)
    model = rm.load(rm.CLIPTextModel(cfg), state, "conditioner.embedders.0.transformer.")
    ids = prompt_ids(text.EOS)
    emb = model.text_model.embeddings
    emb.token_embedding = Substituted(emb.token_embedding, ids, vectors)
    safe = ids.clamp(min=0)
    penultimate = rm.embedders.FrozenCLIPEmbedder(model, layer="hidden", layer_idx=-2)(safe)
    last = rm.embedders.FrozenCLIPEmbedder(model, layer="hidden", layer_idx=-1)(safe)
    return ids, penultimate, last


def clip_g(state, vectors):
    model = rm.load(rm.OpenCLIPText(text.WIDTH, HEADS, text.LAYERS, text.PROJ), state,
                    "conditioner.embedders.1.model.")
    ids = prompt_ids(0)
    model.token_embedding = Substituted(model.token_embedding, ids, vectors)
    safe = ids.clamp(min=0)
    embedder = rm.embedders.FrozenOpenCLIPEmbedder2(model, layer="penultimate", always_return_pooled=True)
    penultimate, pooled = embedder(safe)
    last, _ = rm.embedders.FrozenOpenCLIPEmbedder2(model, layer="last", always_return_pooled=True)(safe)
    return ids, penultimate, last, pooled


def main(ckpt_dir):
    path = os.path.join(ckpt_dir, "tiny-sdxl.safetensors")
    emb_path = os.path.join(ckpt_dir, "tiny-sdxl-embedding.safetensors")
    state, _ = rm.read_safetensors(path)
    emb, _ = rm.read_safetensors(emb_path)
    vectors = {k: torch.from_numpy(np.asarray(emb[k], dtype=np.float32)) for k in ("clip_l", "clip_g")}
    with torch.no_grad():
        ids_l, states_l, last_l = clip_l(state, vectors["clip_l"])
        ids_g, states_g, last_g, pooled = clip_g(state, vectors["clip_g"])
    arrays = {
        "input_ids_l": ids_l.numpy().astype(np.float32), "input_ids_g": ids_g.numpy().astype(np.float32),
        "penultimate_l": states_l[:, text.KEPT].numpy(), "penultimate_g": states_g[:, text.KEPT].numpy(),
        "last_l": last_l[:, text.KEPT].numpy(), "last_g": last_g[:, text.KEPT].numpy(),
        "text_embeds": pooled.numpy(),
    }
    fixture_io.write(os.path.join(text.ROOT, "test", "fixtures", "reference", "text", "sdxl-prompts"), arrays, {
        "checkpoint": "tiny-sdxl.safetensors", "sha256": fixture_io.sha256(path),
        "embedding": "tiny-sdxl-embedding.safetensors", "embedding_sha256": fixture_io.sha256(emb_path),
        "kept_tokens": text.KEPT,
        "source": "scripts/reference/sdxl_prompts.py (../shared/reference-ldm: hf_clip_text.py, open_clip, "
                  "sgm_embedders)",
    })


if __name__ == "__main__":
    main(sys.argv[1])
