"""bench/sdxl.ts's PyTorch side: sgm's UNetModel (SDXL configuration, label_emb vector conditioning) on the
same safetensors U-Net, the same inputs and thread count; prints one JSON line with load time, ms per call,
the first outputs and peak RSS. Weights are copied into the module tensor by tensor (peak ≈ the float32 model).

    /usr/bin/python3 bench/sdxl-torch.py CHECKPOINT THREADS REFERENCE_LDM_DIR CONFIG_JSON LATENT CALLS
"""
import json
import math
import resource
import sys
import time

import torch

path, threads, reference, config, size, calls = sys.argv[1:7]
threads, size, calls, cfg = int(threads), int(size), int(calls), json.loads(config)
sys.path.insert(0, reference)
import reference_models as rm  # noqa: E402

torch.set_num_threads(threads)
start = time.perf_counter()
unet = rm.UNetModel(
    adm_in_channels=cfg["admInChannels"], num_classes="sequential", in_channels=4, out_channels=4,
    model_channels=cfg["modelChannels"], attention_resolutions=[2 ** i for i, d in enumerate(cfg["depths"]) if d > 0],
    num_res_blocks=cfg["numResBlocks"], channel_mult=cfg["channelMult"], num_head_channels=64,
    use_spatial_transformer=True, use_linear_in_transformer=True, transformer_depth=[max(d, 1) for d in cfg["depths"]],
    transformer_depth_middle=cfg["middleDepth"], context_dim=cfg["contextDim"], use_checkpoint=False, legacy=False)
construct_ms = (time.perf_counter() - start) * 1000


def load_tensor_by_tensor(module, file, prefix):
    """Copies each float16 tensor of the safetensors file straight into the module's float32 tensor, so the
    file's weights and the module's are never both held whole (a full-size SDXL U-Net would not fit twice)."""
    targets = module.state_dict()
    with open(file, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        header.pop("__metadata__", None)
        names = {k[len(prefix):] for k in header if k.startswith(prefix)}
        if names != set(targets):
            raise SystemExit(f"{file}: keys differ from the module's: missing {sorted(set(targets) - names)[:5]}, "
                             f"unexpected {sorted(names - set(targets))[:5]}")
        for key, info in header.items():
            a, b = info["data_offsets"]
            if info["dtype"] != "F16":
                raise SystemExit(f"{file}: {key} is {info['dtype']}, expected F16")
            f.seek(8 + n + a)
            values = torch.frombuffer(bytearray(f.read(b - a)), dtype=torch.float16).reshape(info["shape"])
            targets[key[len(prefix):]].copy_(values)
    return module.eval()


load_tensor_by_tensor(unet, path, "model.diffusion_model.")
load_ms = (time.perf_counter() - start) * 1000


def wave(n, f):
    return torch.tensor([f(i) for i in range(n)], dtype=torch.float32)


# The bench's deterministic inputs (same formulas in bench/sdxl.ts).
x = wave(2 * 4 * size * size, lambda i: math.sin(0.37 * i)).reshape(2, 4, size, size)
c = wave(2 * 77 * 2048, lambda i: math.cos(0.11 * i)).reshape(2, 77, 2048)
pooled = wave(2 * 1280, lambda i: math.sin(0.05 * i)).reshape(2, 1280)
ids = torch.tensor([[1024, 1024, 0, 0, 1024, 1024], [768, 1344, 16, 32, 832, 1216]], dtype=torch.float32)
y = rm.sdxl_y(pooled, ids)
t = torch.tensor([537.25, 537.25])
with torch.no_grad():
    out = unet(x, timesteps=t, context=c, y=y)  # warm-up
    start = time.perf_counter()
    for _ in range(calls):
        out = unet(x, timesteps=t, context=c, y=y)
ms = (time.perf_counter() - start) * 1000 / calls
print(json.dumps({"ms": ms, "loadMs": load_ms, "constructMs": construct_ms, "out": out.flatten()[:4096].tolist(),
                  "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
