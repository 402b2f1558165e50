#!/usr/bin/python3
"""Trains word2vec with Debian's gensim on a corpus file and writes word2vec text vectors.

gensim's corpus_file mode silently trains on only the first 10,000 words of each line, so the corpus
is first re-cut into lines of at most 10,000 words (Text8 is a single line of millions of words).

  gensim_w2v.py --input CORPUS --output VECTORS [--size 200] [--window 5] [--negative 5]
                [--sample 1e-4] [--min-count 5] [--epochs 5] [--threads 2] [--sg 1] [--alpha 0.025]
                [--seed 1] [--iterable]
Prints the training wall time and gensim's own words/s to stderr.
"""
import argparse
import logging
import os
import re
import sys
import tempfile
import time

from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence


class Summary(logging.Handler):
    """Keeps gensim's final 'training on N raw words (M effective words) took Ts, R effective
    words/s' log line."""

    PATTERN = re.compile(r'training on (\d+) raw words \((\d+) effective words\) took ([\d.]+)s, '
                         r'(\d+) effective words/s')

    def __init__(self):
        super().__init__()
        self.raw = self.effective = self.rate = 0
        self.seconds = 0.0

    def emit(self, record):
        match = self.PATTERN.search(record.getMessage())
        if match:
            self.raw, self.effective = int(match.group(1)), int(match.group(2))
            self.seconds, self.rate = float(match.group(3)), int(match.group(4))


def recut(path, max_words=10000):
    """Writes the corpus with at most max_words per line to a temporary file; returns its path."""
    out = tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False, encoding='utf-8')
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            words = line.split()
            for start in range(0, len(words), max_words):
                out.write(' '.join(words[start:start + max_words]) + '\n')
    out.close()
    return out.name


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--input', required=True)
    parser.add_argument('--output', required=True)
    parser.add_argument('--size', type=int, default=200)
    parser.add_argument('--window', type=int, default=5)
    parser.add_argument('--negative', type=int, default=5)
    parser.add_argument('--sample', type=float, default=1e-4)
    parser.add_argument('--min-count', type=int, default=5)
    parser.add_argument('--epochs', type=int, default=5)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--sg', type=int, default=1)
    parser.add_argument('--alpha', type=float, default=0.025)
    parser.add_argument('--seed', type=int, default=1, help="gensim's seed (its default is 1)")
    parser.add_argument('--iterable', action='store_true',
                        help='train from an iterable of sentences (LineSentence) instead of '
                             "corpus_file: slower, but with word2vec's learning-rate schedule "
                             '(corpus_file decays it per worker, only 1/workers of the way in each '
                             'epoch)')
    args = parser.parse_args()

    corpus = recut(args.input)
    logging.basicConfig(format='%(message)s', level=logging.INFO, stream=sys.stderr)
    summary = Summary()
    logging.getLogger('gensim').addHandler(summary)
    try:
        start = time.time()
        source = {'sentences': LineSentence(corpus)} if args.iterable else {'corpus_file': corpus}
        model = Word2Vec(**source, vector_size=args.size, window=args.window,
                         negative=args.negative, hs=0, sample=args.sample, min_count=args.min_count,
                         epochs=args.epochs, workers=args.threads, sg=args.sg, alpha=args.alpha,
                         seed=args.seed)
        seconds = time.time() - start
        model.wv.save_word2vec_format(args.output, binary=False)
        print(f'gensim: trained in {seconds:.1f} s, {len(model.wv)} words', file=sys.stderr)
        if summary.raw:
            # The one line scripts/bench-w2v reads: gensim's own counts of its training call.
            print(f'gensim-summary: raw_words {summary.raw} effective_words {summary.effective} '
                  f'train_seconds {summary.seconds} effective_words_per_s {summary.rate}',
                  file=sys.stderr)
    finally:
        os.unlink(corpus)


if __name__ == '__main__':
    main()
