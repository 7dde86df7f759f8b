#!/usr/bin/env python3
"""Writes the fixtures of the Transformer layer tests (captioner.nn.*Test) next to this script.

Run once with Debian's PyTorch (apt-get install python3-torch; /usr/bin/python3):
    /usr/bin/python3 make_transformer_fixtures.py
Each <layer>.json holds float64 inputs, parameters (PyTorch layouts), the output and the gradients of
sum(out * dout) with respect to every input and parameter, as {"name": {"shape": [...], "data": [...]}}.
Python's json writes doubles with repr, which Java parses back to the same bits.

erf.json holds python's math.erf / math.erfc (libm) at fixed points, independent of PyTorch.

cs231n.json reproduces cs231n's published MultiHeadAttention and PositionalEncoding test values
(assignment 3, test_case_multihead_attention / test_case_positional_encoding: torch.manual_seed(231),
modules in training mode, dropout 0.1). Those values include dropout, drawn by a PyTorch build whose
bernoulli_ takes one draw from the generator per call (the MKL path); this script replays that draw
count, so weights, data, mask and other_data are the notebook's, and recovers which attention weights
were dropped by trying, row by row, all 2^(H*T) keep patterns against the published 4-decimal values.
It fails unless every row is matched by exactly one pattern (up to masked positions, which carry 0).

model_gelu.json / model_relu.json: a small CaptioningTransformer built from modules named as cs231n's (so the
state_dict keys are the checkpoint names), dropout 0, random parameters; its loss (the product's: masked
cross-entropy summed over time, divided by N) and the gradient of every parameter on a fixed batch.
model_gelu_state_dict.h5: that gelu model's state_dict written with h5py (needs python3-h5py), as --init reads it.
"""
import itertools
import json
import math
import os
import random

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def t(x):
    x = torch.as_tensor(x)
    return {"shape": list(x.shape), "data": [float(v) for v in x.detach().reshape(-1).tolist()]}


def write(name, content):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(content, f, indent=None, separators=(",", ":"))
        f.write("\n")


def grads_of(out, dout, named):
    """Gradients of sum(out * dout) with respect to each named leaf."""
    (out * dout).sum().backward()
    return {"d" + k: t(v.grad) for k, v in named.items()}


def leaf(g, *shape, scale=1.0):
    return (torch.randn(*shape, generator=g, dtype=torch.float64) * scale).requires_grad_()


def linear_fixture(g):
    x, w, b = leaf(g, 2, 3, 4), leaf(g, 5, 4), leaf(g, 5)
    out = F.linear(x, w, b)
    dout = torch.randn(out.shape, generator=g, dtype=torch.float64)
    named = {"x": x, "weight": w, "bias": b}
    return {**{k: t(v) for k, v in named.items()}, "out": t(out), "dout": t(dout), **grads_of(out, dout, named)}


def layer_norm_fixture(g):
    x = leaf(g, 2, 3, 6, scale=3.0)
    gamma, beta = leaf(g, 6), leaf(g, 6)
    out = F.layer_norm(x, (6,), gamma, beta, eps=1e-5)
    dout = torch.randn(out.shape, generator=g, dtype=torch.float64)
    named = {"x": x, "gamma": gamma, "beta": beta}
    return {**{k: t(v) for k, v in named.items()}, "out": t(out), "dout": t(dout), **grads_of(out, dout, named)}


def activation_fixture(g, fn):
    x = torch.cat([torch.linspace(-6, 6, 25, dtype=torch.float64),
                   torch.randn(11, generator=g, dtype=torch.float64) * 2]).reshape(4, 9).requires_grad_()
    out = fn(x)
    dout = torch.randn(out.shape, generator=g, dtype=torch.float64)
    return {"x": t(x), "out": t(out), "dout": t(dout), **grads_of(out, dout, {"x": x})}


def attention(query, key, value, p, heads, attn_mask=None, keep=None, dropout=0.1):
    """cs231n's MultiHeadAttention.forward, written with torch ops (keep: an explicit dropout pattern)."""
    n, tq, e = query.shape
    s = value.shape[1]
    dh = e // heads
    q = F.linear(query, p["queryWeight"], p["queryBias"]).view(n, tq, heads, dh).transpose(1, 2)
    k = F.linear(key, p["keyWeight"], p["keyBias"]).view(n, s, heads, dh).transpose(1, 2)
    v = F.linear(value, p["valueWeight"], p["valueBias"]).view(n, s, heads, dh).transpose(1, 2)
    scores = q @ k.transpose(2, 3) / math.sqrt(e / heads)
    if attn_mask is not None:
        scores = scores.masked_fill(attn_mask == 0, float("-inf"))
    a = F.softmax(scores, dim=-1)
    if keep is not None:
        a = a * keep / (1 - dropout)
    y = (a @ v).transpose(1, 2).reshape(n, tq, e)
    return F.linear(y, p["projWeight"], p["projBias"])


PARAM_NAMES = ["queryWeight", "queryBias", "keyWeight", "keyBias", "valueWeight", "valueBias", "projWeight",
               "projBias"]


def attention_fixture(g, n, tq, s, e, heads, causal, cross):
    p = {name: leaf(g, e, e) if name.endswith("Weight") else leaf(g, e) for name in PARAM_NAMES}
    x = leaf(g, n, tq, e)
    memory = leaf(g, n, s, e) if cross else x
    mask = torch.tril(torch.ones(tq, s, dtype=torch.bool)) if causal else None
    out = attention(x, memory, memory, p, heads, attn_mask=mask)
    dout = torch.randn(out.shape, generator=g, dtype=torch.float64)
    named = {"x": x, **({"memory": memory} if cross else {}), **p}
    return {"heads": heads, "causal": causal, **{k: t(v) for k, v in named.items()}, "out": t(out), "dout": t(dout),
            **grads_of(out, dout, named)}


def positional_fixture(g):
    w, max_len = 6, 10
    pos = torch.arange(max_len, dtype=torch.float64)[:, None]
    expo = torch.pow(torch.tensor(10000.0, dtype=torch.float64), -torch.arange(0, w, 2, dtype=torch.float64) / w)
    pe = torch.zeros(max_len, w, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(pos * expo)
    pe[:, 1::2] = torch.cos(pos * expo)
    x = torch.randn(2, 7, w, generator=g, dtype=torch.float64)
    return {"maxLength": max_len, "pe": t(pe), "x": t(x), "out": t(x + pe[None, :7])}


def erf_fixture():
    rng = random.Random(231)
    xs = [0.0, 1e-300, 1e-20, 1e-8, 0.1, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 5.9, 6.0, 8.0, 10.0, 26.0, 27.0]
    xs += [rng.uniform(0, 7) for _ in range(300)] + [rng.expovariate(3) for _ in range(100)]
    xs += [-x for x in xs[:60]]
    return {"x": xs, "erf": [math.erf(x) for x in xs], "erfc": [math.erfc(x) for x in xs]}


# cs231n assignment 3 test cases (published values, 4 decimals).
PUBLISHED_SELF = [[-0.2494, 0.1396, 0.4323, -0.2411, -0.1547, 0.2329, -0.1936, -0.1444],
                  [-0.1997, 0.1746, 0.7377, -0.3549, -0.2657, 0.2693, -0.2541, -0.2476],
                  [-0.0625, 0.1503, 0.7572, -0.3974, -0.1681, 0.2168, -0.2478, -0.3038]]
PUBLISHED_MASKED = [[-0.1347, 0.1934, 0.8628, -0.4903, -0.2614, 0.2798, -0.2586, -0.3019],
                    [-0.1013, 0.3111, 0.5783, -0.3248, -0.3842, 0.1482, -0.3628, -0.1496],
                    [-0.2071, 0.1669, 0.7097, -0.3152, -0.3136, 0.2520, -0.2774, -0.2208]]
PUBLISHED_CROSS = [[-0.1980, 0.4083, 0.1968, -0.3477, 0.0321, 0.4258, -0.8972, -0.2744],
                   [-0.1603, 0.4155, 0.2295, -0.3485, -0.0341, 0.3929, -0.8248, -0.2767],
                   [-0.0908, 0.4113, 0.3017, -0.3539, -0.1020, 0.3784, -0.7189, -0.2912]]
PUBLISHED_PE = [[-1.2340, 1.1127, 1.6978, -0.0865, -0.0000, 1.2728],
                [0.9028, -0.4781, 0.5535, 0.8133, 1.2644, 1.7034]]
ROUNDING = 6e-5  # half a unit of the 4th decimal, plus float32 roundoff


def recover_keep(p, query, kv, mask, heads, published):
    """The dropout pattern (N=1, H, T, S) reproducing each published row; asserts it is unique."""
    _, tq, _ = query.shape
    s = kv.shape[1]
    keep = torch.ones(1, heads, tq, s)
    allowed = torch.ones(tq, s, dtype=torch.bool) if mask is None else mask.bool()
    for row in range(tq):
        hits = set()
        for bits in itertools.product([0.0, 1.0], repeat=heads * s):
            trial = keep.clone()
            trial[0, :, row, :] = torch.tensor(bits).view(heads, s)
            with torch.no_grad():
                out = attention(query, kv, kv, p, heads, attn_mask=mask, keep=trial)[0, row]
            if (out - torch.tensor(published[row])).abs().max() < ROUNDING:
                # Masked positions carry probability 0, so their flag is free: count patterns without them.
                hits.add(tuple(b for i, b in enumerate(bits) if allowed[row, i % s]))
        assert len(hits) == 1, f"row {row}: {len(hits)} dropout patterns reproduce the published values"
        pattern = torch.tensor(next(iter(hits)))
        full = torch.ones(heads, s)
        full[:, allowed[row]] = pattern.view(heads, -1)
        keep[0, :, row, :] = full
    return keep


def cs231n_fixture():
    torch.manual_seed(231)
    e, heads = 8, 2
    # Construction order fixes the generator's draws (cs231n: key, query, value, proj; nn.Linear default init).
    lin = {name: torch.nn.Linear(e, e) for name in ["key", "query", "value", "proj"]}
    p = {}
    for name in ["query", "key", "value", "proj"]:
        p[name + "Weight"] = lin[name].weight.detach()
        p[name + "Bias"] = lin[name].bias.detach()
    data = torch.randn(1, 3, e)
    torch.rand(1)  # the published build's dropout: one draw per call
    mask = torch.randn(3, 3) < 0.5
    torch.rand(1)
    other = torch.randn(1, 3, e)
    keep_self = recover_keep(p, data, data, None, heads, PUBLISHED_SELF)
    keep_masked = recover_keep(p, data, data, mask, heads, PUBLISHED_MASKED)
    keep_cross = recover_keep(p, data, other, None, heads, PUBLISHED_CROSS)

    torch.manual_seed(231)
    pe_data = torch.randn(1, 2, 6)
    pe_keep = (torch.tensor(PUBLISHED_PE) != 0).float()
    pos = torch.arange(2, dtype=torch.float64)[:, None]
    expo = torch.pow(torch.tensor(10000.0, dtype=torch.float64), -torch.arange(0, 6, 2, dtype=torch.float64) / 6)
    pe = torch.zeros(2, 6, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(pos * expo)
    pe[:, 1::2] = torch.cos(pos * expo)
    replay = (pe_data[0].double() + pe) * pe_keep / 0.9
    assert (replay - torch.tensor(PUBLISHED_PE, dtype=torch.float64)).abs().max() < ROUNDING

    return {"heads": heads, "dropout": 0.1, "tolerance": ROUNDING, **{k: t(v) for k, v in p.items()},
            "data": t(data), "mask": t(mask.double()), "otherData": t(other),
            "keepSelf": t(keep_self), "keepMasked": t(keep_masked), "keepCross": t(keep_cross),
            "expectedSelf": t(PUBLISHED_SELF), "expectedMasked": t(PUBLISHED_MASKED),
            "expectedCross": t(PUBLISHED_CROSS),
            "peData": t(pe_data), "peKeep": t(pe_keep), "expectedPe": t(PUBLISHED_PE)}


class Attention(torch.nn.Module):
    """cs231n's MultiHeadAttention module layout (key, query, value, proj), dropout 0: attention() above."""

    def __init__(self, e, heads):
        super().__init__()
        self.key, self.query, self.value, self.proj = (torch.nn.Linear(e, e) for _ in range(4))
        self.heads = heads

    def forward(self, query, key, value, attn_mask=None):
        p = {n + "Weight": getattr(self, n).weight for n in ["query", "key", "value", "proj"]}
        p.update({n + "Bias": getattr(self, n).bias for n in ["query", "key", "value", "proj"]})
        return attention(query, key, value, p, self.heads, attn_mask=attn_mask)


class Ffn(torch.nn.Module):
    def __init__(self, w, f, act):
        super().__init__()
        self.fc1, self.fc2, self.act = torch.nn.Linear(w, f), torch.nn.Linear(f, w), act

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class DecoderLayer(torch.nn.Module):
    """cs231n's post-norm TransformerDecoderLayer with dropout 0."""

    def __init__(self, w, heads, f, act):
        super().__init__()
        self.self_attn, self.cross_attn = Attention(w, heads), Attention(w, heads)
        self.ffn = Ffn(w, f, act)
        self.norm_self, self.norm_cross, self.norm_ffn = (torch.nn.LayerNorm(w) for _ in range(3))

    def forward(self, x, memory, mask):
        x = self.norm_self(x + self.self_attn(x, x, x, attn_mask=mask))
        x = self.norm_cross(x + self.cross_attn(x, memory, memory))
        return self.norm_ffn(x + self.ffn(x))


class Decoder(torch.nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = torch.nn.ModuleList(layers)


class Captioner(torch.nn.Module):
    """cs231n's CaptioningTransformer (its state_dict names), dropout 0, the product's loss (sum over time / N)."""

    def __init__(self, v, d, w, heads, f, n_layers, max_len, null, act):
        super().__init__()
        self.null = null
        self.visual_projection = torch.nn.Linear(d, w)
        self.embedding = torch.nn.Embedding(v, w, padding_idx=null)
        self.positional_encoding = torch.nn.Module()
        pos = torch.arange(max_len, dtype=torch.float64)[:, None]
        expo = torch.pow(torch.tensor(10000.0, dtype=torch.float64), -torch.arange(0, w, 2, dtype=torch.float64) / w)
        pe = torch.zeros(1, max_len, w, dtype=torch.float64)
        pe[0, :, 0::2] = torch.sin(pos * expo)
        pe[0, :, 1::2] = torch.cos(pos * expo)
        self.positional_encoding.register_buffer("pe", pe)
        self.transformer = Decoder([DecoderLayer(w, heads, f, act) for _ in range(n_layers)])
        self.output = torch.nn.Linear(w, v)

    def loss(self, features, captions):
        captions_in, captions_out = captions[:, :-1], captions[:, 1:]
        n, t = captions_in.shape
        x = self.embedding(captions_in) + self.positional_encoding.pe[:, :t]
        memory = self.visual_projection(features).unsqueeze(1)
        mask = torch.tril(torch.ones(t, t, dtype=torch.bool))
        for layer in self.transformer.layers:
            x = layer(x, memory, mask)
        scores = self.output(x)
        ce = F.cross_entropy(scores.reshape(n * t, -1), captions_out.reshape(-1), reduction="none")
        return (ce * (captions_out.reshape(-1) != self.null)).sum() / n


def write_state_dict(model, name):
    """The module's state_dict as /params/<key> (buffer included, no attributes): what a PyTorch user's h5py gives."""
    import h5py
    with h5py.File(os.path.join(HERE, name), "w") as f:
        for key, value in model.state_dict().items():
            f.create_dataset("params/" + key, data=value.detach().numpy())


def model_fixture(g, act):
    """Loss and every parameter gradient of a small CaptioningTransformer on a fixed batch (dropout 0)."""
    v, d, w, heads, f, n_layers, max_len, null = 10, 5, 8, 2, 12, 2, 8, 0
    model = Captioner(v, d, w, heads, f, n_layers, max_len, null, act).double()
    with torch.no_grad():
        for name, param in model.named_parameters():
            # Random values everywhere (LayerNorm's γ and β too), so no gradient is trivially 0 or 1.
            param.copy_(torch.randn(param.shape, generator=g, dtype=torch.float64) * 0.5)
    features = torch.randn(3, d, generator=g, dtype=torch.float64)
    # <START>=1 ... <END>=2, padded with <NULL>=0; length 6 feeds T=5 positions.
    captions = torch.tensor([[1, 5, 7, 3, 2, 0], [1, 9, 2, 0, 0, 0], [1, 4, 4, 8, 6, 2]])
    loss = model.loss(features, captions)
    loss.backward()
    if isinstance(act, torch.nn.GELU):
        write_state_dict(model, "model_gelu_state_dict.h5")
    params = {name: t(p) for name, p in model.named_parameters()}
    grads = {"d" + name: t(p.grad) for name, p in model.named_parameters()}
    return {"vocabSize": v, "inputDim": d, "wordvecDim": w, "heads": heads, "ffn": f, "layers": n_layers,
            "maxLength": max_len, "nullIdx": null, "activation": "gelu" if isinstance(act, torch.nn.GELU) else "relu",
            "stateDict": list(model.state_dict().keys()), "features": t(features),
            "captions": [int(c) for c in captions.reshape(-1)], "captionLength": captions.shape[1],
            "loss": float(loss), **params, **grads}


def main():
    g = torch.Generator().manual_seed(15)
    write("linear.json", linear_fixture(g))
    write("layer_norm.json", layer_norm_fixture(g))
    write("gelu.json", activation_fixture(g, F.gelu))
    write("relu.json", activation_fixture(g, F.relu))
    write("attention_self.json", attention_fixture(g, 2, 4, 4, 8, 2, causal=False, cross=False))
    write("attention_causal.json", attention_fixture(g, 2, 4, 4, 8, 2, causal=True, cross=False))
    write("attention_cross.json", attention_fixture(g, 2, 4, 3, 8, 4, causal=False, cross=True))
    write("positional_encoding.json", positional_fixture(g))
    write("erf.json", erf_fixture())
    write("cs231n.json", cs231n_fixture())
    g = torch.Generator().manual_seed(1515)
    write("model_gelu.json", model_fixture(g, torch.nn.GELU()))
    write("model_relu.json", model_fixture(g, torch.nn.ReLU()))


if __name__ == "__main__":
    main()
