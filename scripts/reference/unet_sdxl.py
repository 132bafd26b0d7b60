"""Reference outputs of the tiny SDXL base and refiner U-Nets, computed by the original SGM UNetModel with its
label_emb vector conditioning, and of the base with a kohya LoRA merged.

Run with Debian's Python (it has torch 1.13):
    npx tsx scripts/reference/make-checkpoints.ts /tmp/ckpts sdxl
    /usr/bin/python3 scripts/reference/unet_sdxl.py /tmp/ckpts [../shared/reference-ldm]
Writes test/fixtures/reference/unet-sdxl/: the fixed inputs (sample, per-variant context and time_ids, text_embeds),
per checkpoint its outputs for a fractional timestep shared by the batch and for two integer timesteps, the
LoRA-merged base's outputs, and manifest.json with every file's sha256 (tests regenerate the files and compare).

`y` is built as sgm's conditioner builds it: the pooled OpenCLIP-G embedding, then each ConcatTimestepEmbedderND
(256 Fourier channels per id) in config order: original size, crop top-left, target size (base) or aesthetic
score (refiner). The LoRA merge is W + strength * (alpha / rank) * (up @ down) (Hu et al. 2021, eq. 3; kohya's
alpha/rank scale), done here in numpy from the LoRA file, independently of the TypeScript merge.
"""
import json
import os
import sys

import numpy as np
import torch

from fixture_io import sha256

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CKPTS = sys.argv[1]
REFERENCE_LDM = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "..", "shared", "reference-ldm")
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "unet-sdxl")
sys.path.insert(0, REFERENCE_LDM)
import reference_models as rm  # noqa: E402

BATCH, SIZE, TOKENS = 2, 16, 77
RUNS = {"t537.25": [537.25, 537.25], "t1-999": [1.0, 999.0]}
# (orig h, orig w, crop top, crop left, target h, target w) / (h, w, crop top, crop left, aesthetic score).
TIME_IDS = {
    "sdxl": [[1024, 1024, 0, 0, 1024, 1024], [768, 1344, 16, 32, 832, 1216]],
    "sdxl-refiner": [[1024, 1024, 0, 0, 6.0], [768, 1344, 16, 32, 2.5]],
}
ID_GROUPS = {"sdxl": [(0, 2), (2, 4), (4, 6)], "sdxl-refiner": [(0, 2), (2, 4), (4, 5)]}
PREFIX = "model.diffusion_model."


def unet_kwargs(cfg):
    """sgm UNetModel arguments for the tiny generator's configuration (test/fixtures/checkpoints/tiny-sdxl.ts)."""
    return dict(
        adm_in_channels=cfg["admInChannels"], num_classes="sequential",
        in_channels=cfg["inChannels"], out_channels=cfg["outChannels"], model_channels=cfg["modelChannels"],
        num_res_blocks=cfg["numResBlocks"], channel_mult=cfg["channelMult"],
        attention_resolutions=[2 ** level for level, depth in enumerate(cfg["depths"]) if depth > 0],
        transformer_depth=[max(d, 1) for d in cfg["depths"]], transformer_depth_middle=cfg["middleDepth"],
        num_head_channels=cfg["heads"]["headChannels"], use_spatial_transformer=True,
        context_dim=cfg["contextDim"], use_linear_in_transformer=True, use_checkpoint=False, legacy=False)


def vector_y(variant, text_embeds, time_ids):
    embed = rm.embedders.ConcatTimestepEmbedderND(256)
    parts = [text_embeds] + [embed(time_ids[:, a:b]) for a, b in ID_GROUPS[variant]]
    return torch.cat(parts, dim=1)


def merge_lora(state, lora_path, strength):
    """The checkpoint's U-Net tensors with the kohya LoRA merged (lora_unet_ + LDM path with '.' -> '_')."""
    lora, _ = rm.read_safetensors(lora_path)
    by_flat = {k[len(PREFIX):-len(".weight")].replace(".", "_"): k for k in state
               if k.startswith(PREFIX) and k.endswith(".weight")}
    merged = dict(state)
    modules = sorted({k.split(".")[0] for k in lora})
    for module in modules:
        key = by_flat[module[len("lora_unet_"):]]
        down = np.asarray(lora[module + ".lora_down.weight"], dtype=np.float64)
        up = np.asarray(lora[module + ".lora_up.weight"], dtype=np.float64)
        rank = down.shape[0]
        alpha = float(lora[module + ".alpha"]) if module + ".alpha" in lora else rank
        delta = up.reshape(up.shape[0], rank) @ down.reshape(rank, -1)
        w = np.asarray(state[key], dtype=np.float64)
        merged[key] = (w + strength * alpha / rank * delta.reshape(w.shape)).astype(np.float32)
        print("merged", module, "->", key)
    return merged


def run_all(name, unet, variant, inputs, manifest):
    for run, t in RUNS.items():
        y = vector_y(variant, inputs["text_embeds"], inputs[f"time_ids-{variant}"])
        out = unet(inputs["sample"], timesteps=torch.tensor(t), context=inputs[f"context-{variant}"], y=y)
        np.save(os.path.join(OUT, f"{name}-{run}.npy"), out.numpy().astype(np.float32))
        print(name, run, "max|out|", float(out.abs().max()))
    manifest["outputs"].append(name)


def main():
    os.makedirs(OUT, exist_ok=True)
    entries = json.load(open(os.path.join(CKPTS, "sdxl-checkpoints.json")))
    gen = torch.Generator().manual_seed(20261205)
    pooled = entries[0]["pooled"]
    inputs = {"sample": torch.randn(BATCH, 4, SIZE, SIZE, generator=gen),
              "text_embeds": torch.randn(BATCH, pooled, generator=gen)}
    for e in entries:
        v = e["variant"]
        inputs[f"context-{v}"] = torch.randn(BATCH, TOKENS, e["config"]["contextDim"], generator=gen)
        inputs[f"time_ids-{v}"] = torch.tensor(TIME_IDS[v], dtype=torch.float32)
    for name, value in inputs.items():
        np.save(os.path.join(OUT, f"{name}.npy"), value.numpy().astype(np.float32))
    manifest = {"files": {}, "runs": RUNS, "outputs": []}
    for e in entries:
        path = os.path.join(CKPTS, e["file"])
        state, _ = rm.read_safetensors(path)
        stem = e["file"].replace(".safetensors", "")
        run_all(stem, rm.load(rm.UNetModel(**unet_kwargs(e["config"])), state, PREFIX), e["variant"], inputs, manifest)
        manifest["files"][e["file"]] = sha256(path)
        if e["lora"]:
            lora_path = os.path.join(CKPTS, e["lora"]["file"])
            merged = merge_lora(state, lora_path, e["lora"]["strength"])
            unet = rm.load(rm.UNetModel(**unet_kwargs(e["config"])), merged, PREFIX)
            run_all(f"{stem}-lora", unet, e["variant"], inputs, manifest)
            manifest["files"][e["lora"]["file"]] = sha256(lora_path)
            manifest["loraStrength"] = e["lora"]["strength"]
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
