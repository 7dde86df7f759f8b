#!/usr/bin/env python3
"""Writes the fixtures of captioner.data.classify tests with numpy and csv themselves (Debian's /usr/bin/python3):

seed/: a tiny directory in seed 004's layout, as the seed's notebook loads it (np.load, csv.reader):
  word_to_ix.csv (csv.writer, so "a,b" is quoted), train_inxs.npy (int64, 4 x 5), train_labels.npy (int64),
  val_inxs.npy (int64, 3 x 5), val_labels.npy (int64). CLS = 1 first, PAD = 0 after the words.
npy/: one array in several encodings numpy writes, all equal to [[0, 1, 2], [3, 4, 5]]:
  i8.npy, i4_big_endian.npy, u1.npy, i2_fortran.npy, and bool.npy ([True, False, True]).
"""
import csv
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    seed = os.path.join(HERE, "seed")
    os.makedirs(seed, exist_ok=True)
    words = ["<PAD>", "<CLS>", "<UNK>", "the", "dog", "a,b"]
    with open(os.path.join(seed, "word_to_ix.csv"), "w", newline="") as f:
        w = csv.writer(f)
        for i, word in enumerate(words):
            w.writerow([word, i])
    np.save(os.path.join(seed, "train_inxs.npy"),
            np.array([[1, 3, 4, 0, 0], [1, 4, 3, 0, 0], [1, 5, 2, 3, 4], [1, 3, 0, 0, 0]], dtype=np.int64))
    np.save(os.path.join(seed, "train_labels.npy"), np.array([1, 0, 1, 0], dtype=np.int64))
    np.save(os.path.join(seed, "val_inxs.npy"), np.array([[1, 3, 4, 0, 0], [1, 2, 2, 0, 0], [1, 4, 0, 0, 0]],
                                                         dtype=np.int64))
    np.save(os.path.join(seed, "val_labels.npy"), np.array([1, 0, 0], dtype=np.int64))

    npy = os.path.join(HERE, "npy")
    os.makedirs(npy, exist_ok=True)
    a = np.arange(6).reshape(2, 3)
    np.save(os.path.join(npy, "i8.npy"), a.astype("<i8"))
    np.save(os.path.join(npy, "i4_big_endian.npy"), a.astype(">i4"))
    np.save(os.path.join(npy, "u1.npy"), a.astype(np.uint8))
    np.save(os.path.join(npy, "i2_fortran.npy"), np.asfortranarray(a.astype(np.int16)))
    np.save(os.path.join(npy, "bool.npy"), np.array([True, False, True]))
    np.save(os.path.join(npy, "f8.npy"), a.astype(np.float64))


if __name__ == "__main__":
    main()
