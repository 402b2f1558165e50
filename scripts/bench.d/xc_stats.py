#!/usr/bin/python3
"""Statistics of an XC train/test pair, for comparing generated data with the real data sets.

  scripts/bench.d/xc_stats.py TRAIN TEST [--markdown NAME]

Prints rows, features, labels, non-zeros per row, labels per row, points per label (over the
labels used), the fraction of labels used in training, label-frequency quantiles (training
counts of the labels at the 50%/90%/99%/99.9% rank quantiles, most frequent first), the share of
label occurrences taken by the top 1% of labels, and the popularity baseline: P@1 and P@5 on the
test set when every row is given the most frequent training labels.
"""
import argparse
import io
import subprocess
import sys

import numpy as np


def open_text(path):
    with open(path, 'rb') as f:
        magic = f.read(4)
    if magic == b'\x28\xb5\x2f\xfd':
        proc = subprocess.Popen(['zstd', '-dc', path], stdout=subprocess.PIPE)
        return io.TextIOWrapper(proc.stdout, encoding='utf-8')
    return open(path, encoding='utf-8')


def scan(path, num_labels=None, keep_labels=False):
    f = open_text(path)
    n, features, labels = map(int, f.readline().split())
    counts = np.zeros(labels, dtype=np.int64)
    nnz = label_total = rows = 0
    kept = []
    for line in f:
        if line.startswith(' ') or ':' in line.split(' ', 1)[0]:
            head, rest = '', line.strip()
        else:
            head, _, rest = line.partition(' ')
        ids = [int(x) for x in head.split(',')] if head.strip() else []
        rows += 1
        label_total += len(ids)
        nnz += rest.count(':')
        for i in ids:
            counts[i] += 1
        if keep_labels:
            kept.append(ids)
    if rows != n:
        sys.exit(f'{path}: header says {n} rows, found {rows}')
    return {'rows': rows, 'features': features, 'labels': labels, 'nnz_per_row': nnz / rows,
            'labels_per_row': label_total / rows, 'counts': counts, 'kept': kept}


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('train')
    p.add_argument('test')
    p.add_argument('--markdown', help='print one markdown table row with this name')
    a = p.parse_args()
    tr = scan(a.train)
    te = scan(a.test, keep_labels=True)
    counts = tr['counts']
    used = counts > 0
    order = np.sort(counts)[::-1]
    q = {x: int(order[min(len(order) - 1, int(x * tr['labels']))]) for x in (0.001, 0.01, 0.1, 0.5)}
    top1 = order[:max(1, tr['labels'] // 100)].sum() / max(1, order.sum())
    ranked = np.argsort(-counts, kind='stable')
    top = set(ranked[:1].tolist())
    top5 = ranked[:5].tolist()
    p1 = np.mean([1.0 if (ids and ranked[0] in ids) else 0.0 for ids in te['kept']])
    p5 = np.mean([len(set(ids) & set(top5)) / 5 for ids in te['kept']])
    stats = {
        'train rows': tr['rows'], 'test rows': te['rows'], 'features': tr['features'], 'labels': tr['labels'],
        'nnz/row (train)': round(tr['nnz_per_row'], 2), 'labels/row (train)': round(tr['labels_per_row'], 2),
        'points/label (train, labels used)': round(counts.sum() / max(1, used.sum()), 2),
        'labels used in train': f'{used.sum()} ({used.mean():.1%})',
        'train count at label rank 0.1% / 1% / 10% / 50%': f'{q[0.001]} / {q[0.01]} / {q[0.1]} / {q[0.5]}',
        'most frequent label, train count': int(order[0]),
        'share of label occurrences in the top 1% of labels': f'{top1:.1%}',
        'popularity baseline P@1 / P@5 (test)': f'{p1:.4f} / {p5:.4f}',
    }
    for k, v in stats.items():
        print(f'{k}: {v}')
    if a.markdown:
        print('| ' + a.markdown + ' | ' + ' | '.join(str(v) for v in stats.values()) + ' |')
    del top


if __name__ == '__main__':
    main()
