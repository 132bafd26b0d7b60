"""bench/checkpoint.ts's plain-export baseline: the reference UNetModel (SD 1.5 configuration) loaded
with the same safetensors U-Net and exported with torch.onnx.export as a PyTorch user would (opset 17,
weights as external data), with optimum's input and output names, so ONNX Runtime can run it beside
Diffgraph's own build of the same weights.

    /usr/bin/python3 bench/checkpoint-torch-export.py CHECKPOINT OUT.onnx REFERENCE_LDM_DIR
"""
import sys

import torch

path, out, reference = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, reference)
import reference_models as rm  # noqa: E402


class Wrapped(torch.nn.Module):
    """UNetModel with optimum's argument names (sample, timestep, encoder_hidden_states)."""

    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states):
        return self.unet(sample, timesteps=timestep, context=encoder_hidden_states)


state, _ = rm.read_safetensors(path)
unet = rm.load(rm.UNetModel(**rm.SD1_UNET), state, "model.diffusion_model.")
del state
unet.eval()
x = torch.zeros(2, 4, 32, 32)
t = torch.tensor([537.25, 537.25])
c = torch.zeros(2, 77, 768)
with torch.no_grad():
    torch.onnx.export(
        Wrapped(unet),
        (x, t, c),
        out,
        opset_version=17,
        input_names=["sample", "timestep", "encoder_hidden_states"],
        output_names=["out_sample"],
        dynamic_axes={"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"},
                      "encoder_hidden_states": {0: "batch", 1: "sequence"}},
    )
print("exported", out)
