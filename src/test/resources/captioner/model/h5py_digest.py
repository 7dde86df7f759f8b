"""Prints, as JSON, what the reference HDF5 library (libhdf5 through h5py) reads from one file: for every
dataset its dtype, shape and the SHA-256 of its values as little-endian bytes in C order, and every attribute
of the root group. CheckpointH5pyTest compares this with what our writer put in."""
import hashlib
import json
import sys

import h5py
import numpy as np


def digest(f):
    datasets = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            value = obj[()]
            if obj.dtype.kind in "SOU":
                words = [w.decode() if isinstance(w, bytes) else str(w) for w in np.ravel(value)]
                datasets[name] = {"strings": words}
            else:
                a = np.ascontiguousarray(value, dtype=value.dtype.newbyteorder("<"))
                datasets[name] = {"dtype": a.dtype.name, "shape": list(a.shape),
                                  "sha256": hashlib.sha256(a.tobytes()).hexdigest()}

    f.visititems(visit)
    attrs = {}
    for k, v in f.attrs.items():
        attrs[k] = v.decode() if isinstance(v, bytes) else (v.item() if hasattr(v, "item") else str(v))
    return {"datasets": datasets, "attributes": attrs}


with h5py.File(sys.argv[1], "r") as f:
    print(json.dumps(digest(f)))
