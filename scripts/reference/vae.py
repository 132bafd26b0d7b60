"""Reference outputs of SD's VAE on the tiny checkpoint, computed by the original code.

    npx tsx scripts/reference/make-checkpoints.ts /tmp/ckpt vae
    /usr/bin/python3 scripts/reference/vae.py /tmp/ckpt

Runs sgm's Encoder/Decoder inside reference_models.AutoencoderKL (../shared/reference-ldm) on the LDM-layout
file and writes test/fixtures/reference/vae/: the inputs, the decoded image, the encoder's mean and log-variance,
and the sha256 of both the LDM file and the diffusers-layout file (the same values under diffusers' names).
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

# Must match test/fixtures/checkpoints/tiny-vae.ts (TINY_VAE).
CONFIG = dict(rm.VAE, ch=32, ch_mult=[1, 1, 2, 2], num_res_blocks=1, resolution=32)


def main(ckpt_dir):
    path = os.path.join(ckpt_dir, "tiny-vae.safetensors")
    state, _ = rm.read_safetensors(path)
    vae = rm.load(rm.AutoencoderKL(CONFIG, embed_dim=4), state, "")
    rng = np.random.default_rng(20261205)
    latent = rng.standard_normal((2, 4, 6, 4)).astype(np.float32)  # non-square: catches H/W mix-ups
    image = rng.uniform(-1, 1, (1, 3, 48, 32)).astype(np.float32)
    decoded = vae.decode(torch.from_numpy(latent))
    posterior = vae.encode(torch.from_numpy(image))
    fixture_io.write(os.path.join(ROOT, "test", "fixtures", "reference", "vae"), {
        "latent": latent, "decoded": decoded.numpy(), "image": image,
        "mean": posterior.mean.numpy(), "logvar": posterior.logvar.numpy(),
    }, {
        "checkpoint": "tiny-vae.safetensors", "sha256": fixture_io.sha256(path),
        "diffusers_checkpoint": "tiny-vae-diffusers.safetensors",
        "diffusers_sha256": fixture_io.sha256(os.path.join(ckpt_dir, "tiny-vae-diffusers.safetensors")),
        "source": "scripts/reference/vae.py (../shared/reference-ldm: sgm Encoder/Decoder, DiagonalGaussianDistribution)",
    })


if __name__ == "__main__":
    main(sys.argv[1])
