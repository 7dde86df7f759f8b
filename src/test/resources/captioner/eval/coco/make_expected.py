#!/usr/bin/env python3
"""Writes expected.json: what the official MS-COCO caption scorers give on the caption sets beside this script.

How it was made (once, by hand; the tests only read the result):

    python3 make_expected.py /work/shared/coco-caption > expected.json

The argument is a copy of the official scorers (coco-caption / pycocoevalcap v1.2: bleu/, rouge/, cider/) with its
driver score.py, which stands in for the Java PTBTokenizer step with the rules described in its README; nothing of
it is copied here. For each *.jsonl set (one object per line: one image, "generated" and "references") it records
the corpus figures (Bleu_1..4, ROUGE_L, CIDEr = CIDEr-D), every image's scores, and the tokens of every caption
after tokenization; for tokenizer-cases.txt, each line's tokens. Run with Debian's python3 and python3-numpy.
"""
import glob
import json
import os
import sys


def main(scorer_dir):
    sys.dont_write_bytecode = True
    sys.path.insert(0, scorer_dir)
    import score  # the driver of the official scorers

    here = os.path.dirname(os.path.abspath(__file__))
    out = {'sets': {}, 'tokenizer': {}}
    for path in sorted(glob.glob(os.path.join(here, '*.jsonl'))):
        gts, res = score.load(path)
        figures = score.score(gts, res, tokenize_enabled=True, per_line=True)
        keys = list(gts.keys())
        figures['hypothesis_tokens'] = [score.tokenize(res[k][0]) for k in keys]
        figures['reference_tokens'] = [[score.tokenize(c) for c in gts[k]] for k in keys]
        out['sets'][os.path.basename(path)] = figures
    with open(os.path.join(here, 'tokenizer-cases.txt'), encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line:
                out['tokenizer'][line] = score.tokenize(line)
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else '/work/shared/coco-caption')
