"""Reference outputs of the tiny U-Net checkpoints, computed by the original LDM/SGM UNetModel.

Run with Debian's Python (it has torch 1.13):
    npx tsx scripts/reference/make-checkpoints.ts /tmp/ckpts unet
    /usr/bin/python3 scripts/reference/unet.py /tmp/ckpts [../shared/reference-ldm]
Writes test/fixtures/reference/unet/: the fixed inputs (sample-4.npy, sample-9.npy, context.npy), for each
checkpoint its outputs for a fractional timestep shared by the batch and for two integer timesteps, one per
sample, and manifest.json with every checkpoint's sha256 (tests regenerate the checkpoints and compare).
"""
import hashlib
import json
import os
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CKPTS = sys.argv[1]
REFERENCE_LDM = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "..", "shared", "reference-ldm")
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "unet")
sys.path.insert(0, REFERENCE_LDM)
import reference_models as rm  # noqa: E402

BATCH, SIZE, TOKENS = 2, 8, 77
# One timestep for the batch (fractional, as k-diffusion samplers give) and one per sample (integers).
RUNS = {"t537.25": [537.25, 537.25], "t1-999": [1.0, 999.0]}


def unet_kwargs(cfg):
    """sgm UNetModel arguments for the tiny generator's configuration (test/fixtures/checkpoints/tiny-unet.ts)."""
    heads = cfg["heads"]
    return dict(
        in_channels=cfg["inChannels"], out_channels=cfg["outChannels"], model_channels=cfg["modelChannels"],
        num_res_blocks=cfg["numResBlocks"], channel_mult=cfg["channelMult"],
        attention_resolutions=[2 ** level for level, depth in enumerate(cfg["depths"]) if depth > 0],
        transformer_depth=[max(d, 1) for d in cfg["depths"]], transformer_depth_middle=cfg["middleDepth"],
        num_heads=heads.get("numHeads", -1), num_head_channels=heads.get("headChannels", -1),
        use_spatial_transformer=True, context_dim=cfg["contextDim"],
        use_linear_in_transformer=cfg["linearProjection"], use_checkpoint=False, legacy=False)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    os.makedirs(OUT, exist_ok=True)
    entries = json.load(open(os.path.join(CKPTS, "unet-checkpoints.json")))
    gen = torch.Generator().manual_seed(20240512)
    context = torch.randn(BATCH, TOKENS, 32, generator=gen)
    samples = {c: torch.randn(BATCH, c, SIZE, SIZE, generator=gen) for c in (4, 9)}
    np.save(os.path.join(OUT, "context.npy"), context.numpy())
    for c, x in samples.items():
        np.save(os.path.join(OUT, f"sample-{c}.npy"), x.numpy())
    manifest = {"checkpoints": {}, "runs": RUNS}
    for e in entries:
        path = os.path.join(CKPTS, e["file"])
        state, _ = rm.read_safetensors(path)
        unet = rm.load(rm.UNetModel(**unet_kwargs(e["config"])), state, "model.diffusion_model.")
        stem = e["file"].replace(".safetensors", "")
        for run, t in RUNS.items():
            out = unet(samples[e["config"]["inChannels"]], timesteps=torch.tensor(t), context=context)
            np.save(os.path.join(OUT, f"{stem}-{run}.npy"), out.numpy().astype(np.float32))
            print(stem, run, "max|out|", float(out.abs().max()))
        manifest["checkpoints"][e["file"]] = sha256(path)
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
