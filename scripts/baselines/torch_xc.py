#!/usr/bin/python3
"""Dense full-softmax baseline for extreme multi-label classification, in PyTorch on the CPU.

The same network as slide-xc: sparse input (EmbeddingBag with per-feature weights, mode 'sum')
-> 128 ReLU -> a softmax over every label, trained with the same loss (cross-entropy against a
uniform 1/|y| target over the true labels), Adam, and the same batch size. Reports seconds per
epoch and P@1/P@3/P@5 on a random subset of the test set (never its first rows: XC files are often
sorted by label), one TSV line per evaluation on stdout.

Debian's python3-torch calls the system BLAS (libblas.so.3), which is the unoptimised reference
implementation unless an optimised one is installed: `apt-get install python3-torch
libopenblas0-pthread`. With the reference BLAS the output layer's matrix products run about 30x
slower and a training step about 10x (18 s instead of 1.9 s per batch of 128 at Amazon-670K's
shape, measured on 2 Zen 4 cores), so this script refuses to run on it (--allow-reference-blas overrides). Run it with OPENBLAS_CORETYPE=SkylakeX on
this CPU: Debian's OpenBLAS otherwise mistakes it for an old one and runs matrix products about 6x
slower.

glibc's malloc hands every large tensor (the 343 MB logits, gradients and Adam temporaries of a
batch at Amazon-670K's shape) back to the kernel when it is freed, so each step faults about
4 GB of fresh zeroed pages: half the step's CPU time was system time. tcmalloc keeps and reuses
them: a training step 2.3x faster at that shape (measured, 2 Zen 4 cores). So by default
(--allocator auto) the script re-executes itself with Debian's tcmalloc preloaded when
libtcmalloc-minimal4 is installed, and says which allocator it ran with.

  torch_xc.py --train TRAIN --test TEST [--epochs 5] [--batch 128] [--hidden 128] [--lr 1e-3]
              [--threads 2] [--eval-rows 10000] [--time-budget SECONDS] [--device cpu|cuda]
              [--eval-every-seconds S] [--max-train-rows N]

With --max-train-rows only the first N training rows are read (for time-budgeted runs that cannot
reach more examples; parsing all of Amazon-670K in Python takes minutes and gigabytes); an epoch
is still counted, and extrapolated, over the header's row count.
"""
import argparse
import io
import math
import os
import subprocess
import sys
import time

import numpy as np
import torch


def open_text(path):
    """Plain or compressed (by magic bytes, through the command-line tools) XC file."""
    with open(path, 'rb') as f:
        magic = f.read(6)
    tools = {b'\x28\xb5\x2f\xfd': 'zstd', b'\x1f\x8b': 'gzip', b'BZh': 'bzip2', b'\xfd7zXZ\x00': 'xz'}
    for prefix, tool in tools.items():
        if magic.startswith(prefix):
            proc = subprocess.Popen([tool, '-dc', path], stdout=subprocess.PIPE)
            return io.TextIOWrapper(proc.stdout, encoding='utf-8')
    return open(path, encoding='utf-8')


def read_xc(path, max_rows=0):
    """Returns (features CSR as (indptr, indices, values), labels as list of arrays, F, L, header
    rows). With max_rows > 0 only the first max_rows rows are read."""
    with open_text(path) as f:
        n, num_features, num_labels = map(int, f.readline().split())
        indptr = [0]
        indices, values, labels = [], [], []
        for line in f:
            if max_rows and len(labels) >= max_rows:
                break
            line = line.rstrip('\n')
            head, _, rest = line.partition(' ')
            if line.startswith(' '):
                head, rest = '', line[1:]
            labels.append(np.array([int(x) for x in head.split(',')] if head else [], dtype=np.int64))
            for pair in rest.split():
                k, v = pair.split(':')
                indices.append(int(k))
                values.append(float(v))
            indptr.append(len(indices))
    if len(labels) != n and not (max_rows and len(labels) == max_rows):
        sys.exit(f'{path}: header says {n} rows, found {len(labels)}')
    return (np.array(indptr, dtype=np.int64), np.array(indices, dtype=np.int64),
            np.array(values, dtype=np.float32)), labels, num_features, num_labels, n


def mapped_libraries():
    """The paths of the files this process has mapped (from /proc/self/maps)."""
    with open('/proc/self/maps') as maps:
        return [fields[-1] for fields in (line.split() for line in maps) if len(fields) >= 6]


def loaded_blas():
    """The real path of the libblas.so.3 this process has mapped (None if none is)."""
    for path in mapped_libraries():
        if 'libblas.so' in path or 'libopenblas' in path or 'libblis' in path or 'libmkl' in path:
            return os.path.realpath(path)
    return None


ALLOCATORS = {
    'tcmalloc': '/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4',
    'jemalloc': '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
}


def mapped_allocator():
    """The name of the preloaded allocator this process runs with, or 'glibc'."""
    paths = mapped_libraries()
    for name in ALLOCATORS:
        if any(f'lib{name}' in path for path in paths):
            return name
    return 'glibc'


def ensure_allocator(choice):
    """Re-executes this script with the chosen allocator preloaded, unless it already runs with it.
    Returns the allocator in use."""
    current = mapped_allocator()
    wanted = choice
    if choice == 'auto':
        wanted = 'tcmalloc' if os.path.exists(ALLOCATORS['tcmalloc']) else 'glibc'
    if wanted == current or wanted == 'glibc' or os.environ.get('TORCH_XC_REEXEC'):
        return current
    library = ALLOCATORS[wanted]
    if not os.path.exists(library):
        sys.exit(f'torch_xc.py: --allocator {wanted}: {library} is not installed')
    env = dict(os.environ, TORCH_XC_REEXEC='1')
    env['LD_PRELOAD'] = ' '.join(filter(None, [library, env.get('LD_PRELOAD', '')]))
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


def is_reference_blas(path):
    """Debian's netlib reference BLAS lives in .../blas/libblas.so.3 (the optimised ones in
    openblas-pthread/, openblas-openmp/, blis-*/, ...)."""
    return path is not None and '/blas/libblas.so' in path


class Network(torch.nn.Module):
    def __init__(self, num_features, hidden, num_labels):
        super().__init__()
        self.embedding = torch.nn.EmbeddingBag(num_features, hidden, mode='sum')
        self.bias = torch.nn.Parameter(torch.zeros(hidden))
        self.output = torch.nn.Linear(hidden, num_labels)
        bound = math.sqrt(6.0 / (num_features + hidden))
        torch.nn.init.uniform_(self.embedding.weight, -bound, bound)

    def forward(self, indices, offsets, weights):
        hidden = torch.relu(self.embedding(indices, offsets, per_sample_weights=weights) + self.bias)
        return self.output(hidden)


def batch_tensors(csr, rows, device):
    indptr, indices, values = csr
    starts, ends = indptr[rows], indptr[rows + 1]
    idx = np.concatenate([indices[s:e] for s, e in zip(starts, ends)])
    val = np.concatenate([values[s:e] for s, e in zip(starts, ends)])
    offsets = np.concatenate([[0], np.cumsum(ends - starts)[:-1]])
    return (torch.from_numpy(idx).to(device), torch.from_numpy(offsets).to(device),
            torch.from_numpy(val).to(device))


def evaluate(model, csr, labels, rows, device, batch=1024):
    hits = np.zeros(3)
    model.eval()
    with torch.no_grad():
        for start in range(0, len(rows), batch):
            chunk = rows[start:start + batch]
            top = torch.topk(model(*batch_tensors(csr, chunk, device)), 5, dim=1).indices.cpu().numpy()
            for r, predicted in zip(chunk, top):
                truth = set(labels[r].tolist())
                good = [p in truth for p in predicted]
                hits += [sum(good[:1]) / 1, sum(good[:3]) / 3, sum(good[:5]) / 5]
    model.train()
    return hits / len(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--train', required=True)
    parser.add_argument('--test', required=True)
    parser.add_argument('--epochs', type=int, default=5)
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--hidden', type=int, default=128)
    parser.add_argument('--lr', type=float, default=1e-3)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--eval-rows', type=int, default=10000)
    parser.add_argument('--evals-per-epoch', type=int, default=1)
    parser.add_argument('--time-budget', type=float, default=0, help='stop after this many seconds of training')
    parser.add_argument('--eval-every-seconds', type=float, default=0,
                        help='also evaluate after every this many seconds of training')
    parser.add_argument('--max-train-rows', type=int, default=0,
                        help='read only the first N training rows (epochs still count the header rows)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--allow-reference-blas', action='store_true',
                        help='run even on the unoptimised reference BLAS (figures meaningless)')
    parser.add_argument('--allocator', default='auto', choices=['auto', 'tcmalloc', 'jemalloc', 'glibc'],
                        help='memory allocator; auto: tcmalloc when installed (libtcmalloc-minimal4)')
    args = parser.parse_args()

    allocator = ensure_allocator(args.allocator)
    if allocator == 'glibc' and args.allocator == 'auto' and args.device == 'cpu':
        print('# warning: running on glibc malloc, which makes large-label steps about 2x slower; '
              'apt-get install libtcmalloc-minimal4', file=sys.stderr)

    torch.ones(2, 2) @ torch.ones(2, 2)  # maps the BLAS library, for the check below
    blas = loaded_blas()
    if args.device == 'cpu' and is_reference_blas(blas) and not args.allow_reference_blas:
        sys.exit(f'torch_xc.py: PyTorch is using the reference BLAS ({blas}), about 30x slower than an '
                 f'optimised one; install one (apt-get install libopenblas0-pthread) or pass '
                 f'--allow-reference-blas')
    print(f'# BLAS: {blas}; allocator: {allocator}', file=sys.stderr)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    device = torch.device(args.device)
    load_start = time.time()
    train_csr, train_labels, num_features, num_labels, header_rows = read_xc(args.train, args.max_train_rows)
    test_csr, test_labels, _, _, _ = read_xc(args.test)
    print(f'# loaded in {time.time() - load_start:.1f} s: {len(train_labels)} train rows, '
          f'{len(test_labels)} test rows, {num_features} features, {num_labels} labels', file=sys.stderr)
    eval_rows = rng.permutation(len(test_labels))[:args.eval_rows]

    model = Network(num_features, args.hidden, num_labels).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    n = len(train_labels)
    batches = (n + args.batch - 1) // args.batch
    # An epoch is over the header's rows; with --max-train-rows the budget must end it first.
    epoch_batches = (header_rows + args.batch - 1) // args.batch
    eval_every = max(1, batches // args.evals_per_epoch)
    train_seconds = 0.0
    next_timed_eval = args.eval_every_seconds
    train_cpu = 0.0  # CPU seconds (all threads) of the training steps, for loaded machines
    print('epoch\tbatch\ttrain_seconds\tloss\tp@1\tp@3\tp@5\ttrain_cpu_seconds')
    for epoch in range(1, args.epochs + 1):
        order = rng.permutation(n)
        epoch_start = time.time()
        running = 0.0
        for b in range(batches):
            rows = order[b * args.batch:(b + 1) * args.batch]
            step_start = time.time()
            cpu_start = time.process_time()
            logits = model(*batch_tensors(train_csr, rows, device))
            target = torch.zeros_like(logits)
            for i, r in enumerate(rows):
                if len(train_labels[r]):
                    target[i, torch.from_numpy(train_labels[r])] = 1.0 / len(train_labels[r])
            loss = -(target * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if device.type == 'cuda':
                torch.cuda.synchronize()
            train_seconds += time.time() - step_start
            train_cpu += time.process_time() - cpu_start
            running += loss.item()
            last = b + 1 == batches
            over_budget = args.time_budget and train_seconds >= args.time_budget
            timed = args.eval_every_seconds and train_seconds >= next_timed_eval
            if timed:
                while next_timed_eval <= train_seconds:
                    next_timed_eval += args.eval_every_seconds
            if (b + 1) % eval_every == 0 or last or over_budget or timed:
                # Before the (slow, at this size) evaluation: the training figures so far.
                print(f'# {epoch}/{b + 1} batches trained: {train_seconds:.2f} s, {train_cpu:.2f} CPU s; '
                      f'evaluating', file=sys.stderr, flush=True)
                p = evaluate(model, test_csr, test_labels, eval_rows, device)
                print(f'{epoch}\t{b + 1}\t{train_seconds:.2f}\t{running / (b + 1):.4f}\t'
                      f'{p[0]:.4f}\t{p[1]:.4f}\t{p[2]:.4f}\t{train_cpu:.2f}', flush=True)
            if over_budget:
                print(f'# stopped by the time budget after {b + 1} of {epoch_batches} batches; '
                      f'an epoch extrapolates to {train_seconds / (b + 1) * epoch_batches:.0f} s',
                      file=sys.stderr)
                return
        if n < header_rows:
            print(f'# --max-train-rows {n}: the data ran out before the time budget; the epoch '
                  f'was not completed', file=sys.stderr)
            return
        print(f'# epoch {epoch}: {time.time() - epoch_start:.1f} s wall', file=sys.stderr)


if __name__ == '__main__':
    main()
