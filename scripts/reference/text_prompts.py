"""Reference outputs for TextEncode's textual-inversion embeddings and long-prompt chunks, computed by
the original text encoders with the embedding's vectors substituted at its token positions (what A1111's
EmbeddingsWithFixes and ComfyUI do).

    npx tsx scripts/reference/make-checkpoints.ts /tmp/ckpt text checkpoint
    /usr/bin/python3 scripts/reference/text_prompts.py /tmp/ckpt

Rows (start, tokens, end, padding; X0..X2 = the embedding's three vectors):
  0: "a X0 X1 X2 photo of"   1: "X0 X1 X2"   2: 75 x "cat" (a full chunk)   3: 5 x "cat"
In input_ids the embedding's positions hold -1, -2, -3 (row k-1 of its vectors for id -k), as Diffgraph's
extra-token text encoder takes them. Pooling is at the first end token. Writes
test/fixtures/reference/text/<layout>-prompts/.
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import text as base  # noqa: E402  (scripts/reference/text.py: paths, tiny config, model loaders)

rm, fixture_io = base.rm, base.fixture_io
A, PHOTO, OF, CAT = 320, 1125, 539, 2368
ROWS = [[A, -1, -2, -3, PHOTO, OF], [-1, -2, -3], [CAT] * 75, [CAT] * 5]


def prompt_ids(pad):
    ids = np.full((len(ROWS), base.T), pad, dtype=np.int64)
    for row, words in enumerate(ROWS):
        seq = [base.BOS] + words + [base.EOS]
        ids[row, :len(seq)] = seq
    return torch.from_numpy(ids)


class Substituted(torch.nn.Module):
    """The token embedding with rows replaced by the embedding's vectors where the ids are negative."""

    def __init__(self, table, ids, vectors):
        super().__init__()
        self.table, self.ids, self.vectors = table, ids, vectors

    def forward(self, safe_ids):
        out = self.table(safe_ids).clone()
        mask = self.ids < 0
        out[mask] = self.vectors[(-self.ids[mask] - 1)]
        return out


def run_clip_l(path, vectors, heads):
    state, _ = rm.read_safetensors(path)
    cfg = rm.CLIPTextConfig(hidden_size=base.WIDTH, intermediate_size=base.MLP, num_hidden_layers=base.LAYERS,
                            num_attention_heads=heads, hidden_act="quick_gelu", eos_token_id=2)
    model = rm.load(rm.CLIPTextModel(cfg), state, "cond_stage_model.transformer.")
    ids = prompt_ids(base.EOS)
    emb = model.text_model.embeddings
    emb.token_embedding = Substituted(emb.token_embedding, ids, vectors)
    out = model(input_ids=ids.clamp(min=0))
    return ids, {
        "last_hidden_state": out["last_hidden_state"],
        "pooler_output": out["pooler_output"],
        "penultimate_normed": model.text_model.final_layer_norm(out["hidden_states"][-2]),
    }


def run_open_clip(path, vectors):
    state, _ = rm.read_safetensors(path)
    model = rm.load(rm.OpenCLIPText(base.WIDTH, base.HEADS, base.LAYERS, base.PROJ), state, "cond_stage_model.model.")
    ids = prompt_ids(0)
    model.token_embedding = Substituted(model.token_embedding, ids, vectors)
    safe = ids.clamp(min=0)
    states = model.hidden_states(safe)
    last = model.ln_final(states[-1])
    return ids, {
        "last_hidden_state": last,
        "pooler_output": last[torch.arange(len(ROWS)), safe.argmax(dim=-1)],
        "penultimate_normed": model.ln_final(states[-2]),
    }


PARTS = (
    ("hf-prompts", "tiny-clip-l", lambda p, v: run_clip_l(p, v, base.HEADS)),
    ("openclip-prompts", "tiny-openclip", run_open_clip),
    ("sd1-checkpoint-prompts", "tiny-sd1", lambda p, v: run_clip_l(p, v, base.WIDTH // 64)),
)


def main(ckpt_dir):
    emb_path = os.path.join(ckpt_dir, "tiny-embedding.safetensors")
    emb, _ = rm.read_safetensors(emb_path)
    vectors = torch.from_numpy(np.asarray(emb["emb_params"], dtype=np.float32))
    for layout, name, run in PARTS:
        path = os.path.join(ckpt_dir, name + ".safetensors")
        with torch.no_grad():
            ids, outputs = run(path, vectors)
        arrays = {k: (v[:, base.KEPT] if v.dim() == 3 else v).numpy() for k, v in outputs.items()}
        arrays["input_ids"] = ids.numpy().astype(np.float32)
        fixture_io.write(os.path.join(base.ROOT, "test", "fixtures", "reference", "text", layout), arrays, {
            "checkpoint": name + ".safetensors", "sha256": fixture_io.sha256(path),
            "embedding": "tiny-embedding.safetensors", "embedding_sha256": fixture_io.sha256(emb_path),
            "kept_tokens": base.KEPT,
            "source": "scripts/reference/text_prompts.py (../shared/reference-ldm: hf_clip_text.py, open_clip)",
        })


if __name__ == "__main__":
    main(sys.argv[1])
