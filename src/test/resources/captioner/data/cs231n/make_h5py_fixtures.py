#!/usr/bin/env python3
"""Writes the tiny libhdf5-made fixtures that Cs231nReaderTest reads, as h5py users write them.

Run from this folder with Debian's python3-h5py (h5py 3.7, HDF5 1.10):  /usr/bin/python3 make_h5py_fixtures.py
The values are those of Fixture.java's defaults, so the test can compare against the same expectations.

h5py/        a valid cs231n directory mixing layouts and dtypes:
             train_captions int32 chunked+gzip+shuffle, train_image_idxs int64 (numpy's default),
             val_captions uint16 chunked+gzip+fletcher32, val_image_idxs uint8,
             train features float32 chunked (2, 4)+gzip (partial last chunk), val features big-endian float64.
h5py-extra/  latest_captions.h5: the same captions with libver='latest' and unlimited rows (other chunk indexes);
             empty_captions.h5: train_captions of shape (0, 5) (jhdf cannot write empty datasets).
"""
import json
import numpy as np
import h5py

TRAIN_CAPTIONS = [[1, 4, 5, 2, 0], [1, 4, 6, 7, 2], [1, 5, 7, 2, 0], [1, 6, 2, 0, 0], [1, 4, 3, 7, 2], [1, 7, 2, 0, 0]]
TRAIN_IDXS = [0, 1, 0, 2, 1, 2]
VAL_CAPTIONS = [[1, 5, 2, 0, 0], [1, 6, 7, 2, 0], [1, 4, 5, 7, 2], [1, 3, 2, 0, 0]]
VAL_IDXS = [1, 0, 1, 0]
TRAIN_FEATURES = [[1.5, -2, 0, 3], [0.25, 8, -1, 2], [-7, 0.5, 4, 1]]
VAL_FEATURES = [[2, 2, -2, 0.125], [9, -3, 1, 1]]
WORDS = ["<NULL>", "<START>", "<END>", "<UNK>", "a", "cat", "dog", "sits"]


def captions_file(path, **file_kw):
    with h5py.File(path, "w", **file_kw) as f:
        f.create_dataset("train_captions", data=np.array(TRAIN_CAPTIONS, dtype="i4"), chunks=(2, 5),
                         compression="gzip", shuffle=True, maxshape=(None, 5) if file_kw else None)
        f.create_dataset("train_image_idxs", data=np.array(TRAIN_IDXS))
        f.create_dataset("val_captions", data=np.array(VAL_CAPTIONS, dtype="u2"), chunks=(3, 5),
                         compression="gzip", fletcher32=True)
        f.create_dataset("val_image_idxs", data=np.array(VAL_IDXS, dtype="u1"))


captions_file("h5py/coco2014_captions.h5")
with h5py.File("h5py/train2014_vgg16_fc7_pca.h5", "w") as f:
    f.create_dataset("features", data=np.array(TRAIN_FEATURES, dtype="f4"), chunks=(2, 4), compression="gzip")
with h5py.File("h5py/val2014_vgg16_fc7_pca.h5", "w") as f:
    f.create_dataset("features", data=np.array(VAL_FEATURES, dtype=">f8"))
with open("h5py/coco2014_vocab.json", "w") as f:
    json.dump({"idx_to_word": WORDS, "word_to_idx": {w: i for i, w in enumerate(WORDS)}}, f)
with open("h5py/train2014_urls.txt", "w") as f:
    f.write("http://x/t0.jpg\nhttp://x/t1.jpg\nhttp://x/t2.jpg\n")
with open("h5py/val2014_urls.txt", "w") as f:
    f.write("http://x/v0.jpg\nhttp://x/v1.jpg\n")

captions_file("h5py-extra/latest_captions.h5", libver="latest")
with h5py.File("h5py-extra/empty_captions.h5", "w") as f:
    f.create_dataset("train_captions", shape=(0, 5), dtype="i4")
    f.create_dataset("train_image_idxs", shape=(0,), dtype="i4")
