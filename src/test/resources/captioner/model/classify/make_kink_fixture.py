#!/usr/bin/env python3
"""Writes kinked.json next to this script: a trained classifier whose gradient check at step 1e-3 crosses ReLU kinks.

Run once with Debian's PyTorch (apt-get install python3-torch python3-h5py; /usr/bin/python3):
    /usr/bin/python3 make_kink_fixture.py MODEL.h5

MODEL.h5 is the checkpoint issue 16 reported: `prepare --task classify --train-tsv cola/train.tsv --val-tsv
cola/val.tsv --min-word-count 2` on src/test/resources/captioner/data/classify/cola, then `train --task classify
--wordvec 16 --ffn 32 --dim-k 8 --dim-v 6 --batch-size 2 --partitions 2 --iterations 3` on that table (float32
parameters, read here as float64). TOKENS and LABELS are that table's first two training sentences.

kinked.json has classifier.json's layout (sizes, tokens, labels, logits, loss, every parameter and PyTorch's
gradient of the mean loss) plus
- preactivations: W1's output before the ReLU, (N, T, F), where the smallest |value| is the kink;
- step, and crossings.<name> per parameter: for that centered-difference step h, the flat indices of the entries
  whose evaluation points x ± h, x ± 2h change the sign of some pre-activation (the entries a gradient check at
  step h cannot difference smoothly).
"""
import json
import os
import sys

import h5py
import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_classifier_fixtures import ClassificationTransformer, t, write  # noqa: E402

TOKENS = [[5, 1, 2, 3, 6, 6, 6], [5, 1, 4, 0, 0, 1, 0]]
LABELS = [1, 1]
STEP = 1e-3


def main(path):
    with h5py.File(path, "r") as f:
        params = {k: np.array(f["params/" + k], dtype=np.float64) for k in f["params"]}
    v, hidden = params["token_embeddings.weight"].shape
    heads = sum(1 for k in params if k.startswith("q") and k.endswith(".weight"))
    dim_k, dim_v = params["k1.weight"].shape[0], params["v1.weight"].shape[0]
    ffn, max_length = params["W1.weight"].shape[0], params["position_embeddings.weight"].shape[0]
    model = ClassificationTransformer({"w%d" % i: i for i in range(v)}, hidden_dim=hidden, num_heads=heads,
                                      dim_feedforward=ffn, dim_k=dim_k, dim_v=dim_v, dim_q=dim_k,
                                      max_length=max_length).double()
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.from_numpy(params[name]))
    tokens = torch.tensor(TOKENS)
    labels = torch.tensor(LABELS, dtype=torch.float64)
    n = tokens.shape[0]

    def pre():
        return model.W1(model.multi_head_attention(model.embed(tokens)))

    hidden_states = model.feedforward_layer(model.multi_head_attention(model.embed(tokens)))
    logits = model.final_dense(hidden_states[:, 0, :]).reshape(n)
    loss = nn.functional.binary_cross_entropy_with_logits(logits, labels, reduction="sum") / n
    loss.backward()
    crossings = {}
    with torch.no_grad():
        base = pre() > 0
        for name, p in model.named_parameters():
            flat = p.view(-1)
            hit = []
            for i in range(flat.numel()):
                old = flat[i].item()
                crossed = False
                for s in (STEP, -STEP, 2 * STEP, -2 * STEP):
                    flat[i] = old + s
                    crossed |= bool(((pre() > 0) != base).any())
                flat[i] = old
                if crossed:
                    hit.append(i)
            crossings[name] = hit
        preactivations = pre()
    write("kinked.json", {
        "vocabSize": v, "hidden": hidden, "heads": heads, "ffn": ffn, "dimK": dim_k, "dimV": dim_v,
        "maxLength": max_length, "stateDict": list(model.state_dict().keys()),
        "tokens": [int(c) for c in tokens.reshape(-1)], "length": tokens.shape[1], "labels": LABELS,
        "logits": t(logits), "loss": float(loss), "preactivations": t(preactivations), "step": STEP,
        **{"crossings." + name: hit for name, hit in crossings.items()},
        **{name: t(p) for name, p in model.named_parameters()},
        **{"d" + name: t(p.grad) for name, p in model.named_parameters()}})


if __name__ == "__main__":
    main(sys.argv[1])
