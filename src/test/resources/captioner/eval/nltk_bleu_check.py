#!/usr/bin/env python3
"""Recomputes evaluate's BLEU figures with NLTK from the JSON lines of `captioner sample --all`.

A one-off cross-check, not a test dependency (see README, "BLEU"). Needs NLTK (Debian: python3-nltk):

    submit/captioner sample --checkpoint OUT/model.h5 --all --out val.jsonl
    python3 nltk_bleu_check.py val.jsonl

prints cs231n's per-caption unigram BLEU and corpus BLEU-1..4, to compare with
`submit/captioner evaluate --checkpoint OUT/model.h5` (same decoder flags).
"""
import json
import sys
import warnings

from nltk.translate.bleu_score import corpus_bleu, sentence_bleu


def tokens(caption):
    # cs231n's BLEU_score: split on spaces, drop words containing <START>, <END> or <UNK>.
    return [w for w in caption.split(' ')
            if w and '<END>' not in w and '<START>' not in w and '<UNK>' not in w]


def main(path):
    warnings.filterwarnings('ignore')  # NLTK warns about zero n-gram overlaps
    total, rows, references, hypotheses = 0.0, 0, [], []
    with open(path) as f:
        for line in f:
            sample = json.loads(line)
            hypothesis = tokens(sample['generated'])
            refs = [tokens(r) for r in sample['references']]
            for ref in refs:
                total += sentence_bleu([ref], hypothesis, weights=[1])
                rows += 1
            references.append(refs)
            hypotheses.append(hypothesis)
    print('bleu1_unigram_cs231n %r (%d captions)' % (total / rows, rows))
    for n in range(1, 5):
        print('corpus_bleu_%d %r' % (n, corpus_bleu(references, hypotheses, weights=[1.0 / n] * n)))


if __name__ == '__main__':
    main(sys.argv[1])
