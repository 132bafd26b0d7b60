"""Write the small torch.save files the restricted pickle reader is tested on, with the values
torch itself reports for each tensor (test/fixtures/checkpoint-io/). Run: /usr/bin/python3 this."""
import collections
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'checkpoint-io')
os.makedirs(OUT, exist_ok=True)

base = torch.arange(12, dtype=torch.float32).reshape(3, 4) * 0.5 - 2
line = torch.tensor([1.5, -2.25, 3.0, 0.125, 8.0], dtype=torch.float32)
sd = collections.OrderedDict()
sd['model.w'] = base
sd['model.t'] = base.t()  # a transposed (strided) view sharing base's storage
sd['model.tail'] = line[2:]  # a view with a storage offset
sd['model.half'] = torch.tensor([[0.5, -1.0], [65504.0, 2.0 ** -14]], dtype=torch.float16)
sd['model.bf'] = torch.tensor([3.0, -0.0078125, 1e30], dtype=torch.bfloat16)
sd['model.ids'] = torch.arange(4, dtype=torch.int64)
sd['model.p'] = torch.nn.Parameter(torch.tensor([[7.0]]))
sd['cond.string_to_param'] = {'*': torch.tensor([[0.25, 0.75]])}

torch.save({'state_dict': sd, 'global_step': 3, 'epoch': 1}, os.path.join(OUT, 'tiny.ckpt'))
torch.save({'w': base}, os.path.join(OUT, 'legacy.pt'), _use_new_zipfile_serialization=False)

expected = {}
flat = dict(sd)
flat['cond.string_to_param.*'] = flat.pop('cond.string_to_param')['*']
for name, tensor in flat.items():
    t = tensor.detach()
    expected[name] = {
        'dtype': str(t.dtype).replace('torch.', ''),
        'shape': list(t.shape),
        'values': t.to(torch.float64).flatten().tolist(),
    }
with open(os.path.join(OUT, 'tiny.expected.json'), 'w') as f:
    json.dump({'torch': torch.__version__, 'tensors': expected}, f, indent=1)
