"""Shared helpers of the reference scripts: sha256 of a checkpoint and writing small float32 .npy fixtures."""
import hashlib
import json
import os

import numpy as np


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write(out_dir, arrays, meta):
    """arrays: {name: array} -> OUT/name.npy (float32); meta -> OUT/meta.json."""
    os.makedirs(out_dir, exist_ok=True)
    for name, value in arrays.items():
        np.save(os.path.join(out_dir, name + ".npy"), np.ascontiguousarray(value, dtype=np.float32))
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2, sort_keys=True)
        f.write("\n")
