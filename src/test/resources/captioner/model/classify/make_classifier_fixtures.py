#!/usr/bin/env python3
"""Writes the fixtures of captioner.model.classify.ClassificationTransformerTest next to this script.

Run once with Debian's PyTorch (apt-get install python3-torch python3-h5py; /usr/bin/python3):
    /usr/bin/python3 make_classifier_fixtures.py

The model is seed 004's own ClassificationTransformer (gt_7643/transformer.py, Fall 2019, by Sarah Wiegreffe),
below with its constructor and methods as the seed gives them: two heads q1/k1/v1 and q2/k2/v2, softmax(QKᵀ/√dim_k)V
with no padding mask, attention_head_projection, norm_mh, W1/ReLU/W2, norm_ffn, final_dense on position 0, sigmoid.
Only the indentation of the seed's text is restored, and one line of `embed` copies where the seed takes a view:
the seed's `copy_inputs = inputs[:, :]` shares the token indices, so its position loop overwrites them after the
token lookup; the forward is unchanged, but autograd then refuses the backward (the lookup's indices were modified
in place). `copy_inputs = inputs[:, :].clone()` keeps the seed's forward and makes its gradients computable.

classifier.json: a small model (V=13, hidden 8, 2 heads, dim_q = dim_k = 6, dim_v = 5, feed-forward 16,
max_length 7) in float64 with every parameter (LayerNorm's too) drawn N(0, 0.5²), a batch of 4 sentences of 7
tokens (CLS first, PAD after the words) and 0/1 labels; the seed's forward scores, the logits (final_dense at
position 0) and the product's loss, binary cross-entropy from the logit summed and divided by N, with the gradient
of every parameter under its state_dict name. Python's json writes doubles with repr, which Java reads back to the
same bits.
classifier_state_dict.h5: that model's state_dict written with h5py under /params/<key>, as --init reads it.
"""
import json
import os
import random

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


def seed_torch(seed=0):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class ClassificationTransformer(nn.Module):
    """Seed 004's model (see the module docstring)."""

    def __init__(self, word_to_ix, hidden_dim=128, num_heads=2, dim_feedforward=2048, dim_k=96, dim_v=96, dim_q=96,
                 max_length=43):
        super(ClassificationTransformer, self).__init__()
        assert hidden_dim % num_heads == 0

        self.num_heads = num_heads
        self.word_embedding_dim = hidden_dim
        self.hidden_dim = hidden_dim
        self.dim_feedforward = dim_feedforward
        self.max_length = max_length
        self.vocab_size = len(word_to_ix)

        self.dim_k = dim_k
        self.dim_v = dim_v
        self.dim_q = dim_q

        seed_torch(0)

        self.token_embeddings = nn.Embedding(num_embeddings=self.vocab_size, embedding_dim=self.hidden_dim)
        self.position_embeddings = nn.Embedding(num_embeddings=self.max_length, embedding_dim=self.hidden_dim)

        # Head #1
        self.k1 = nn.Linear(self.hidden_dim, self.dim_k)
        self.v1 = nn.Linear(self.hidden_dim, self.dim_v)
        self.q1 = nn.Linear(self.hidden_dim, self.dim_q)

        # Head #2
        self.k2 = nn.Linear(self.hidden_dim, self.dim_k)
        self.v2 = nn.Linear(self.hidden_dim, self.dim_v)
        self.q2 = nn.Linear(self.hidden_dim, self.dim_q)

        self.softmax = nn.Softmax(dim=2)
        self.attention_head_projection = nn.Linear(self.dim_v * self.num_heads, self.hidden_dim)
        self.norm_mh = nn.LayerNorm(self.hidden_dim)

        h = self.hidden_dim
        self.W1 = nn.Linear(h, self.dim_feedforward)
        self.W2 = nn.Linear(self.dim_feedforward, h)
        self.norm_ffn = nn.LayerNorm(h)

        self.final_dense = nn.Linear(h, 1)
        self.final_sigmoid = nn.Sigmoid()

    def forward(self, inputs):
        outputs = self.final_layer(self.feedforward_layer(self.multi_head_attention(self.embed(inputs))))
        return outputs

    def embed(self, inputs):
        embeddings = self.token_embeddings(inputs)

        N, T = inputs.shape
        copy_inputs = inputs[:, :].clone()  # the seed: inputs[:, :] (see the module docstring)
        for i in range(T):
            copy_inputs[:, i] = i
        embeddings += self.position_embeddings(copy_inputs)
        return embeddings

    def multi_head_attention(self, inputs):
        q1 = self.q1(inputs)
        k1 = self.k1(inputs).permute(0, 2, 1)
        v1 = self.v1(inputs)

        temp = torch.matmul(q1, k1)
        temp = temp / np.sqrt(self.dim_k)
        a1 = torch.matmul(self.softmax(temp), v1)

        q2 = self.q2(inputs)
        k2 = self.k2(inputs).permute(0, 2, 1)
        v2 = self.v2(inputs)

        temp = torch.matmul(q2, k2)
        temp = temp / np.sqrt(self.dim_k)
        a2 = torch.matmul(self.softmax(temp), v2)

        a = torch.cat((a1, a2), dim=2)
        mh = self.attention_head_projection(a)
        outputs = self.norm_mh(inputs + mh)
        return outputs

    def feedforward_layer(self, inputs):
        outputs = self.W1(inputs)
        outputs = nn.functional.relu(outputs)
        outputs = self.W2(outputs)
        outputs = self.norm_ffn(inputs + outputs)
        return outputs

    def final_layer(self, inputs):
        N, T, H = inputs.shape
        copy_inputs = inputs[:, 0, :].reshape(N, H)
        outputs = self.final_dense(copy_inputs)
        outputs = self.final_sigmoid(outputs)
        return outputs


def t(x):
    x = torch.as_tensor(x)
    return {"shape": list(x.shape), "data": [float(v) for v in x.detach().reshape(-1).tolist()]}


def write(name, content):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(content, f, indent=None, separators=(",", ":"))
        f.write("\n")


def write_state_dict(model, name):
    import h5py
    with h5py.File(os.path.join(HERE, name), "w") as f:
        for key, value in model.state_dict().items():
            f.create_dataset("params/" + key, data=value.detach().numpy())


def main():
    v, hidden, heads, ffn, dim_k, dim_v, max_length = 13, 8, 2, 16, 6, 5, 7
    word_to_ix = {"w%d" % i: i for i in range(v)}
    model = ClassificationTransformer(word_to_ix, hidden_dim=hidden, num_heads=heads, dim_feedforward=ffn,
                                      dim_k=dim_k, dim_v=dim_v, dim_q=dim_k, max_length=max_length).double()
    g = torch.Generator().manual_seed(1616)
    with torch.no_grad():
        for _, param in model.named_parameters():
            param.copy_(torch.randn(param.shape, generator=g, dtype=torch.float64) * 0.5)
    # CLS = 1 first, PAD = 0 after the words; one sentence fills every position.
    tokens = torch.tensor([[1, 5, 7, 3, 0, 0, 0], [1, 9, 2, 12, 4, 0, 0], [1, 4, 4, 8, 6, 11, 10],
                           [1, 3, 0, 0, 0, 0, 0]])
    labels = torch.tensor([1.0, 0.0, 1.0, 1.0], dtype=torch.float64)
    n = tokens.shape[0]
    scores = model.forward(tokens)
    hidden_states = model.feedforward_layer(model.multi_head_attention(model.embed(tokens)))
    logits = model.final_dense(hidden_states[:, 0, :]).reshape(n)
    assert torch.allclose(torch.sigmoid(logits), scores.reshape(n), rtol=0, atol=1e-15)
    loss = nn.functional.binary_cross_entropy_with_logits(logits, labels, reduction="sum") / n
    loss.backward()
    write_state_dict(model, "classifier_state_dict.h5")
    params = {name: t(p) for name, p in model.named_parameters()}
    grads = {"d" + name: t(p.grad) for name, p in model.named_parameters()}
    write("classifier.json", {
        "vocabSize": v, "hidden": hidden, "heads": heads, "ffn": ffn, "dimK": dim_k, "dimV": dim_v,
        "maxLength": max_length, "stateDict": list(model.state_dict().keys()),
        "tokens": [int(c) for c in tokens.reshape(-1)], "length": tokens.shape[1],
        "labels": [int(y) for y in labels], "scores": t(scores.reshape(n)), "logits": t(logits), "loss": float(loss),
        **params, **grads})


if __name__ == "__main__":
    main()
