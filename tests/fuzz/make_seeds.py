#!/usr/bin/python3
"""Regenerates the seed corpora of tests/fuzz/seeds/<target>/ from the shipped corpora/ (small
slices) and, for the model loader, from tiny models trained by slide-xc. Each seed starts with the
option bytes its target reads first (see the header comment of tests/fuzz/<target>_fuzz.cc).

Usage: tests/fuzz/make_seeds.py SLIDE_XC   (the path of a built slide-xc executable)
"""
import gzip
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
seeds = os.path.join(root, "tests", "fuzz", "seeds")


def zstd_lines(path, n):
    out = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
    return out.split(b"\n")[:n]


def write(target, name, data):
    os.makedirs(os.path.join(seeds, target), exist_ok=True)
    with open(os.path.join(seeds, target, name), "wb") as f:
        f.write(data)


def zstd_bytes(data):
    return subprocess.run(["zstd", "-19", "-c"], input=data, check=True, capture_output=True).stdout


def shorten_row(row, pairs):
    head, *rest = row.split(b" ")
    return b" ".join([head] + rest[:pairs])


def xc_reader():
    for corpus, rows in (("bibtex/bibtex_train.txt.zst", 4), ("delicious/delicious_train.txt.zst", 4)):
        lines = zstd_lines(os.path.join(root, "corpora", corpus), rows + 1)
        header = lines[0].split()
        body = [shorten_row(r, 12) for r in lines[1:]]
        xc = b" ".join([str(rows).encode()] + header[1:]) + b"\n" + b"\n".join(body) + b"\n"
        name = corpus.split("/")[0]
        write("xc_reader", name + ".xc", b"\x00\x00" + xc)
        write("xc_reader", name + ".stream.xc", b"\x04\x01" + xc)
        # LIBSVM: feature ids + 1, no header.
        svm = []
        for r in body:
            labels, *pairs = r.split(b" ")
            svm.append(b" ".join([labels] + [b"%d:%s" % (int(p.split(b":")[0]) + 1, p.split(b":")[1])
                                             for p in pairs]))
        write("xc_reader", name + ".svm", b"\x01\x00" + b"\n".join(svm) + b"\n")
        # Split: X_Xf then NUL then X_Y.
        xf = b"%d %s\n" % (rows, header[1]) + b"\n".join(b" ".join(r.split(b" ")[1:]) for r in body) + b"\n"
        y = b"%d %s\n" % (rows, header[2]) + b"\n".join(
            b" ".join(l + b":1" for l in r.split(b" ")[0].split(b",") if l) for r in body) + b"\n"
        write("xc_reader", name + ".split", b"\x02\x00" + xf + b"\x00" + y)
        # Through io::open_input: zstd and gzip.
        write("xc_reader", name + ".xc.zst", b"\x03\x00" + zstd_bytes(xc))
        write("xc_reader", name + ".xc.gz", b"\x03\x00" + gzip.compress(xc, mtime=0))
    write("xc_reader", "headerless.xc", b"\x00\x09" + b"1,2 0:1.5 3:2\n 4:1\n\n7 1:1e-3\n")
    write("xc_reader", "merge.svm", b"\x01\x06" + b"1,1 2:1 2:3 +5:1\r\n 1:2\t3:4 \n")


def w2v_text():
    lines = zstd_lines(os.path.join(root, "corpora", "wikitext-2", "valid.txt.zst"), 12)
    text = b"\n".join(lines)[:1500] + b"\n"
    write("w2v_text", "wikitext.txt", b"\x00\x11" + text)
    write("w2v_text", "wikitext-crlf.txt", b"\x00\xc3" + text.replace(b"\n", b"\r\n")[:600])
    write("w2v_text", "long-word.txt", b"\x00\x40" + b"a" * 150 + b"\xc3\xa9" * 60 + b" b\n")
    counts = {}
    for w in text.split():
        counts[w] = counts.get(w, 0) + 1
    vocab = b"</s> 12\n" + b"".join(b"%s %d\n" % (w, c) for w, c in
                                   sorted(counts.items(), key=lambda x: -x[1])[:40])
    write("w2v_text", "vocab.txt", b"\x01\x00" + vocab)
    write("w2v_text", "wikitext.txt.zst", b"\x02\x00" + zstd_bytes(text))


def vectors():
    words = [b"the", b"of", b"and", b"\xc3\xa9t\xc3\xa9"]
    vals = [[0.1, -0.25, 3.5, 1e-3], [0.0, 1.0, -1.0, 2.0], [7.0, -0.5, 0.125, 9e-6],
            [1.5, 2.5, -3.5, 4.5]]
    head = b"4 4\n"
    text = head + b"".join(w + b" " + b"".join(b"%f " % v for v in row) + b"\n"
                           for w, row in zip(words, vals))
    vec = head + b"".join(w + b" " + b"".join(b"%.5g " % v for v in row) + b"\n"
                          for w, row in zip(words, vals))
    binary = head + b"".join(w + b" " + struct.pack("<4f", *row) + b"\n" for w, row in zip(words, vals))
    write("vectors", "w2v.txt", b"\x00\x10" + text)
    write("vectors", "w2v.bin", b"\x01\x03" + binary)
    write("vectors", "fasttext.vec", b"\x02\x00" + vec)
    write("vectors", "auto.bin", b"\x03\x7f" + binary)
    write("vectors", "auto.txt", b"\x03\x81" + text)
    write("vectors", "gensim-noeol.bin", b"\x01\x00" + head +
          b"".join(w + b" " + struct.pack("<4f", *row) for w, row in zip(words, vals)))
    write("vectors", "w2v.txt.zst", b"\x04\x00" + zstd_bytes(text))


def sections(image):
    """The sections of a model image in build_model_image's form (tests/fuzz/fuzz_util.h)."""
    count = struct.unpack_from("<I", image, 20)[0]
    pieces = []
    for i in range(count):
        tag, _, offset, size = struct.unpack_from("<IIQQ", image, 32 + 32 * i)
        pieces.append(struct.pack("<I", tag) + image[offset:offset + size])
    return b"\0SEC".join(pieces)


def model(slide_xc):
    tmp = tempfile.mkdtemp()
    try:
        data = os.path.join(tmp, "tiny.txt")
        with open(data, "w") as f:
            f.write("6 5 3\n0 0:1 1:0.5\n1 2:1\n2 3:1 4:2\n0,1 0:1 2:1\n1,2 2:0.5 4:1\n2 4:1\n")
        common = [slide_xc, "train", "-i", data, "--hidden", "3", "-e", "1", "-b", "2",
                  "--threads", "1", "-q", "--eval-rows", "0"]
        runs = {
            "exact": ["--output-mode", "exact"],
            "lsh": ["--output-mode", "lsh", "--k", "2", "--l", "2", "--active-size", "2",
                    "--bucket-capacity", "4", "--bin-size", "2"],
            "sgd": ["--output-mode", "exact", "--optimizer", "sgd"],
        }
        for name, extra in runs.items():
            out = os.path.join(tmp, name + ".slide")
            subprocess.run(common + ["-o", out] + extra, check=True)
            for path, tag in ((out, name), (out + ".ckpt", name + "-ckpt")):
                if os.path.exists(path):
                    with open(path, "rb") as f:
                        image = f.read()
                    write("model", tag + ".slide", b"\x01" + image)
                    write("model", tag + ".sections", b"\x08" + bytes([image[16]]) + sections(image))
                    if name == "exact":
                        write("model", tag + "-raw-read.slide", b"\x02" + image)
        # A checkpoint (Adam moments, train.* keys): SIGINT during a long run writes one.
        out, ckpt = os.path.join(tmp, "long.slide"), os.path.join(tmp, "long.ckpt")
        run = subprocess.Popen(common[:7] + ["100000"] + common[8:] + ["-o", out, "--checkpoint", ckpt,
                                                                       "--output-mode", "exact"])
        time.sleep(2)
        run.send_signal(signal.SIGINT)
        run.wait()
        with open(ckpt, "rb") as f:
            image = f.read()
        write("model", "adam-ckpt.slide", b"\x01" + image)
        write("model", "adam-ckpt.sections", b"\x08" + bytes([image[16]]) + sections(image))
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    xc_reader()
    w2v_text()
    vectors()
    if len(sys.argv) > 1:
        model(sys.argv[1])
