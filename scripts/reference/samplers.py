"""Record reference sampler trajectories from the original implementations.

Runs diffusers' scheduler classes (DDIM, EulerDiscrete, HeunDiscrete, LMSDiscrete, DPMSolverMultistep)
and k-diffusion's samplers (sample_euler, sample_heun, sample_lms, sample_dpmpp_2m over CompVisDenoiser)
on the Stable Diffusion 1.5 training schedule with a fixed nonlinear stand-in denoiser, and writes the
starting latent and the latent after every step as .npy files plus an index `cases.json`.
test/unit/math/recorded-reference.test.ts replays every case through Diffgraph's samplers.

Upstream code is read from checkouts outside this repository and never copied into it:

    /usr/bin/python3 scripts/reference/samplers.py \
        --diffusers PATH/TO/diffusers/src/diffusers/schedulers \
        --k-diffusion PATH/TO/k-diffusion/k_diffusion \
        --out test/fixtures/reference/samplers

Only the scheduler and sampler files are loaded; the packaging around them (configuration mixins,
hub utilities, progress bars) is replaced by the minimal shims below, which carry no math.
Needs Debian's python3-torch, python3-numpy and python3-scipy.
"""

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
import types

import numpy as np
import torch

SHAPE = (2, 4, 4, 4)
STEPS = 12
SEED = 1234
SD15 = dict(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear")


def stand_in_model(x, t):
    """The same nonlinear function the TypeScript test uses: tanh(0.7 v + 0.2 sin(i)) (0.8 + t/2000)."""
    x64 = x.double()
    index = torch.arange(x.numel(), dtype=torch.float64).reshape(x.shape)
    # k-diffusion passes one timestep per batch item, diffusers one for the batch.
    t64 = torch.as_tensor(t, dtype=torch.float64).reshape(-1, *([1] * (x.ndim - 1)))
    out = torch.tanh(0.7 * x64 + 0.2 * torch.sin(index)) * (0.8 + t64 / 2000)
    return out.float()


# ---- shims for the packaging around diffusers' schedulers (no math here) ----
SHIM_FILES = {
    "__init__.py": "",
    "configuration_utils.py": '''
import functools, inspect
class FrozenDict(dict):
    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key)
class ConfigMixin:
    config_name = None
    def register_to_config(self, **kwargs):
        merged = dict(getattr(self, "_internal_dict", {}))
        merged.update(kwargs)
        self._internal_dict = FrozenDict(merged)
    @property
    def config(self):
        return self._internal_dict
def register_to_config(init):
    @functools.wraps(init)
    def inner(self, *args, **kwargs):
        bound = inspect.signature(init).bind(self, *args, **kwargs)
        bound.apply_defaults()
        params = dict(bound.arguments)
        params.pop("self")
        ConfigMixin.register_to_config(self, **params)
        init(self, *args, **kwargs)
    return inner
''',
    "utils/__init__.py": '''
from collections import OrderedDict
import dataclasses, logging as _logging
class BaseOutput(OrderedDict):
    def __post_init__(self):
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value is not None:
                self[field.name] = value
    def __getitem__(self, key):
        if isinstance(key, str):
            return dict.__getitem__(self, key)
        return tuple(self.values())[key]
    def to_tuple(self):
        return tuple(self.values())
def is_scipy_available():
    return True
def deprecate(*args, **kwargs):
    return None
class logging:
    @staticmethod
    def get_logger(name):
        return _logging.getLogger(name)
''',
    "utils/torch_utils.py": '''
import torch
def randn_tensor(shape, generator=None, device=None, dtype=None, layout=None):
    return torch.randn(shape, generator=generator, dtype=dtype)
''',
    "schedulers/__init__.py": "",
    "schedulers/scheduling_utils.py": '''
from dataclasses import dataclass
from enum import Enum
import torch
from ..utils import BaseOutput
KarrasDiffusionSchedulers = Enum("KarrasDiffusionSchedulers", "DDIMScheduler DDPMScheduler PNDMScheduler "
    "LMSDiscreteScheduler EulerDiscreteScheduler HeunDiscreteScheduler EulerAncestralDiscreteScheduler "
    "DPMSolverMultistepScheduler DPMSolverSinglestepScheduler KDPM2DiscreteScheduler "
    "KDPM2AncestralDiscreteScheduler DEISMultistepScheduler UniPCMultistepScheduler DPMSolverSDEScheduler "
    "EDMEulerScheduler")
@dataclass
class SchedulerOutput(BaseOutput):
    prev_sample: torch.Tensor
class SchedulerMixin:
    config_name = "scheduler_config.json"
    _compatibles = []
''',
}
DIFFUSERS_FILES = [
    "scheduling_ddim.py",
    "scheduling_euler_discrete.py",
    "scheduling_heun_discrete.py",
    "scheduling_lms_discrete.py",
    "scheduling_dpmsolver_multistep.py",
]


def load_upstream(diffusers_dir, kdiff_dir, workdir):
    for rel, text in SHIM_FILES.items():
        path = os.path.join(workdir, "diffusers", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    for name in DIFFUSERS_FILES:
        shutil.copy(os.path.join(diffusers_dir, name), os.path.join(workdir, "diffusers", "schedulers", name))
    kd = os.path.join(workdir, "k_diffusion")
    os.makedirs(kd)
    with open(os.path.join(kd, "__init__.py"), "w") as f:
        f.write("")
    with open(os.path.join(kd, "utils.py"), "w") as f:  # the one helper sampling.py and external.py use
        f.write("def append_dims(x, target_dims):\n    return x[(...,) + (None,) * (target_dims - x.ndim)]\n")
    for name in ["sampling.py", "external.py"]:
        shutil.copy(os.path.join(kdiff_dir, name), os.path.join(kd, name))
    # Modules sampling.py imports for samplers we do not record.
    for missing in ["torchdiffeq", "torchsde", "tqdm", "tqdm.auto"]:
        sys.modules.setdefault(missing, types.ModuleType(missing))
    sys.modules["torchdiffeq"].odeint = None
    sys.modules["tqdm.auto"].tqdm = None
    sys.modules["tqdm.auto"].trange = lambda n, disable=None: range(n)
    sys.path.insert(0, workdir)


def diffusers_case(name, cls, steps, x_start, extra, prediction="epsilon"):
    """A diffusers pipeline's denoising loop: scale_model_input, model, step; latent after each step."""
    scheduler = cls(**SD15, steps_offset=1, prediction_type=prediction, **extra)
    scheduler.set_timesteps(steps)
    latents = x_start * scheduler.init_noise_sigma
    trajectory = []
    for t in scheduler.timesteps:
        model_input = scheduler.scale_model_input(latents, t)
        output = stand_in_model(model_input, t)
        latents = scheduler.step(output, t, latents).prev_sample
        # Heun's class takes two calls per step; record once the step is complete.
        if getattr(scheduler, "state_in_first_order", True):
            trajectory.append(latents.clone())
    if len(trajectory) < steps:  # Heun's last step (to σ = 0) is a lone Euler step
        trajectory.append(latents.clone())
    return dict(name=name, source="diffusers " + cls.__name__, start=latents_start(x_start, scheduler),
                trajectory=trajectory, timesteps=[float(t) for t in scheduler.timesteps])


def latents_start(x_start, scheduler):
    return (x_start * scheduler.init_noise_sigma).float()


def kdiffusion_case(name, sampler_name, steps, x_start):
    """k-diffusion as ComfyUI drives it: CompVisDenoiser over ᾱ, Karras σ schedule, x = z·√(σ_max²+1)."""
    from diffusers.schedulers.scheduling_euler_discrete import EulerDiscreteScheduler
    from k_diffusion import external, sampling

    alphas_cumprod = EulerDiscreteScheduler(**SD15).alphas_cumprod

    class Inner(torch.nn.Module):
        alphas_cumprod = None

        def apply_model(self, x, t, cond=None):
            return stand_in_model(x, t)

    inner = Inner()
    inner.alphas_cumprod = alphas_cumprod
    denoiser = external.CompVisDenoiser(inner, quantize=False)
    sigmas = sampling.get_sigmas_karras(steps, denoiser.sigma_min.item(), denoiser.sigma_max.item())
    x = (x_start * math.sqrt(sigmas[0].item() ** 2 + 1)).float()
    # The callback sees x before each update; x after step i is what step i + 1 sees, then the result.
    seen = []
    sampler = getattr(sampling, "sample_" + sampler_name)
    result = sampler(denoiser, x.clone(), sigmas, disable=True, callback=lambda info: seen.append(info["x"].clone()))
    trajectory = seen[1:] + [result]
    return dict(name=name, source="k-diffusion sample_" + sampler_name, start=x, trajectory=trajectory,
                sigmas=[float(s) for s in sigmas])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--diffusers", required=True)
    parser.add_argument("--k-diffusion", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    torch.set_grad_enabled(False)
    with tempfile.TemporaryDirectory() as workdir:
        load_upstream(args.diffusers, args.k_diffusion, workdir)
        from diffusers.schedulers.scheduling_ddim import DDIMScheduler
        from diffusers.schedulers.scheduling_dpmsolver_multistep import DPMSolverMultistepScheduler
        from diffusers.schedulers.scheduling_euler_discrete import EulerDiscreteScheduler
        from diffusers.schedulers.scheduling_heun_discrete import HeunDiscreteScheduler
        from diffusers.schedulers.scheduling_lms_discrete import LMSDiscreteScheduler

        z = torch.randn(SHAPE, generator=torch.Generator().manual_seed(SEED), dtype=torch.float32)
        leading = dict(timestep_spacing="leading")
        # Karras ramps over the model's whole σ range (as k-diffusion and ComfyUI do): in diffusers that is
        # linspace spacing (leading spacing would start the ramp at the first spaced timestep instead).
        karras = dict(timestep_spacing="linspace", use_karras_sigmas=True)
        alpha = dict(set_alpha_to_one=False, clip_sample=False, timestep_spacing="leading")
        dpm = dict(algorithm_type="dpmsolver++", solver_order=2, timestep_spacing="leading")
        cases = [
            diffusers_case("ddim-leading", DDIMScheduler, STEPS, z, alpha),
            diffusers_case("ddim-leading-v", DDIMScheduler, STEPS, z, alpha, "v_prediction"),
            diffusers_case("euler-leading", EulerDiscreteScheduler, STEPS, z, leading),
            diffusers_case("euler-leading-v", EulerDiscreteScheduler, STEPS, z, leading, "v_prediction"),
            diffusers_case("euler-karras", EulerDiscreteScheduler, STEPS, z, karras),
            diffusers_case("heun-leading", HeunDiscreteScheduler, STEPS, z, leading),
            diffusers_case("lms-leading", LMSDiscreteScheduler, STEPS, z, leading),
            diffusers_case("dpmpp_2m-leading", DPMSolverMultistepScheduler, STEPS, z, dpm),
            diffusers_case("dpmpp_2m-karras", DPMSolverMultistepScheduler, STEPS, z, dict(dpm, **karras)),
        ]
        for sampler_name in ["euler", "heun", "lms", "dpmpp_2m"]:
            cases.append(kdiffusion_case("k-" + sampler_name + "-karras", sampler_name, STEPS, z))

    os.makedirs(args.out, exist_ok=True)
    np.save(os.path.join(args.out, "z.npy"), z.numpy())
    index = {"shape": list(SHAPE), "seed": SEED, "steps": STEPS, "torch": torch.__version__, "cases": []}
    for case in cases:
        np.save(os.path.join(args.out, case["name"] + ".start.npy"), case["start"].numpy())
        np.save(os.path.join(args.out, case["name"] + ".steps.npy"), torch.stack(case["trajectory"]).numpy())
        entry = {k: v for k, v in case.items() if k not in ("start", "trajectory")}
        index["cases"].append(entry)
    with open(os.path.join(args.out, "cases.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
