"""Record reference latent resizes from ComfyUI's `common_upscale` (comfy/utils.py).

`common_upscale` crops ("center") and then resizes with torch.nn.functional.interpolate (nearest-exact,
bilinear and bicubic with align_corners=False, area) or with ComfyUI's own `bislerp`. This script loads
those two functions from a ComfyUI checkout outside this repository (only their definitions are taken
from the file, so the rest of ComfyUI and its dependencies are not needed) and writes the input latent
and every case's output as .npy files plus `meta.json`. test/unit/math/latent-resize.test.ts replays
every case through Diffgraph's resize.

    /usr/bin/python3 scripts/reference/latent_upscale.py \
        --comfy-utils PATH/TO/ComfyUI/comfy/utils.py --out test/fixtures/reference/latent-upscale

Needs Debian's python3-torch (1.13; nearest-exact exists from 1.11) and python3-numpy.
"""

import argparse
import ast
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from fixture_io import write  # noqa: E402

METHODS = ["nearest-exact", "bilinear", "area", "bicubic", "bislerp"]
# (name, width, height, crop) in latent cells; the input is 7 wide and 5 high
SIZES = [("up", 11, 9, "disabled"), ("down", 4, 3, "disabled"), ("wide", 10, 4, "center"), ("tall", 4, 6, "center")]


def load_functions(path, names):
    tree = ast.parse(open(path).read(), path)
    keep = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in names]
    missing = set(names) - {node.name for node in keep}
    if missing:
        raise SystemExit(f"{path} defines no {', '.join(sorted(missing))}")
    scope = {"torch": torch, "math": math}
    exec(compile(ast.Module(body=keep, type_ignores=[]), path, "exec"), scope)
    return scope


def input_latent():
    generator = torch.Generator().manual_seed(1234)
    x = torch.randn((2, 4, 5, 7), generator=generator)
    x[0, :, 1, 2] = 0  # a zero vector (bislerp's zero-norm case)
    x[1, :, 3, 4] = x[1, :, 3, 3]  # equal neighbours (bislerp's "same direction" case)
    x[1, :, 2, 6] = -x[1, :, 2, 5]  # opposite neighbours (bislerp's "polar opposites" case)
    return x


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--comfy-utils", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    common_upscale = load_functions(args.comfy_utils, ["bislerp", "common_upscale"])["common_upscale"]
    x = input_latent()
    arrays = {"input": x.numpy()}
    cases = []
    for method in METHODS:
        for name, width, height, crop in SIZES:
            key = f"{method}-{name}"
            arrays[key] = common_upscale(x.clone(), width, height, method, crop).numpy()
            cases.append({"name": key, "method": method, "width": width, "height": height, "crop": crop})
    write(args.out, arrays, {"torch": torch.__version__, "cases": cases})


if __name__ == "__main__":
    main()
