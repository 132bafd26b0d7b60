"""bench/checkpoint.ts's PyTorch side: the reference UNetModel (SD 1.5 configuration) on the same
safetensors U-Net, the same inputs and thread count; prints one JSON line with ms per call and outputs.

    /usr/bin/python3 bench/checkpoint-torch.py CHECKPOINT THREADS REFERENCE_LDM_DIR
"""
import json
import math
import resource
import sys
import time

import torch

path, threads, reference = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sys.path.insert(0, reference)
import reference_models as rm  # noqa: E402

torch.set_num_threads(threads)
state, _ = rm.read_safetensors(path)
unet = rm.load(rm.UNetModel(**rm.SD1_UNET), state, "model.diffusion_model.")
del state


def inputs(size):
    """The bench's deterministic inputs (same formulas in bench/checkpoint.ts)."""
    n = 2 * 4 * size * size
    x = torch.tensor([math.sin(0.37 * i) for i in range(n)], dtype=torch.float32).reshape(2, 4, size, size)
    c = torch.tensor([math.cos(0.11 * i) for i in range(2 * 77 * 768)], dtype=torch.float32).reshape(2, 77, 768)
    return x, torch.tensor([537.25, 537.25]), c


result = {}
for size, calls in ((32, 3), (64, 2)):
    x, t, c = inputs(size)
    out = unet(x, timesteps=t, context=c)  # warm-up
    start = time.perf_counter()
    for _ in range(calls):
        out = unet(x, timesteps=t, context=c)
    result[f"ms{size}"] = (time.perf_counter() - start) * 1000 / calls
    result[f"out{size}"] = out.flatten()[:4096].tolist()
result["maxRssMB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
