"""Recipes tried against the shipped classifier recipe, on grouped 5-fold cross-validation
INSIDE the training rows of one bench/classify.py split (its held-out texts are never
read: choices are made here, the held-out figures come from bench/classify.py alone).

    .venv/bin/python bench/classify_tried.py [--seed 20250106] [--only base,selftrain,...]

Folds keep a title and its message together (the classifier's own _matter_key); each
variant prints macro-F1 of the out-of-fold predictions (argmax, no offsets) for the
title + message rows and the title rows. Variants (all against `base`, the shipped
recipe's features and SVM):
  weights     view weights (words ×0.7 / ×1.4, head ×1.5)
  losses      other linear losses on the same features: hinge, Crammer–Singer, ridge, and
              score averages of the SVM with them
  selftrain   self-training on the unlabelled messages of the same board
              (messages_with_votes + messages_with_replies, deduplicated against every
              labelled title and text): pseudo-labels of the fold's SVM kept where the
              margin is ≥ 0.5 (or all), added as title + message and/or title rows
  embeddings  a dense view: PPMI-SVD word vectors (150 dims, window 4) from the fold's
              training texts and/or the unlabelled messages, idf-weighted mean per text
  msgonly     training on title + message rows only (as `train` with two text columns),
              with and without each row's title as an extra sample
  smalldata   (not in the default run) 1,500 title + message rows or 2,500 rows of either
              kind drawn from the training rows (3 draws), scored on the training rows of
              other matters: C 0.15–1.0 × min_df 1 / 2, i.e. is the recipe still right for a
              deployment (or an examiner) with a fifth of this data
Runs about 15 minutes on one core (selftrain most of it).
"""
import argparse
import collections
import csv
import os
import re
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import RidgeClassifier
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.svm import LinearSVC

from bench.classify import DEFAULT_DATA, load, split
from xinfang.intake import classifier as C

VIEWS = C.LinearTextModel.VIEWS


def unlabelled(data, msgs, titles):
    """Title + message and title of each unlabelled message whose title (or opening) is
    in no labelled row."""
    lab_titles = {C.text_clean(t) for t in msgs.first_column} | {C.text_clean(t) for t in titles.texts}
    lab_texts = {C.text_clean(t)[:200] for t in msgs.texts}
    full, heads, seen = [], [], set()
    for name in ("messages_with_votes.csv", "messages_with_replies.csv"):
        with open(data / name, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                title, body = re.sub(r"\s+", "", row["留言主题"]), re.sub(r"\s+", "", row["留言详情"])
                key = C.text_clean(title)
                if key in lab_titles or key in seen or C.text_clean(f"{title} {body}")[:200] in lab_texts:
                    continue
                seen.add(key)
                full.append(C.text_clean(f"{title} {body}"))
                heads.append(key)
    return full, heads


def svm(c=C.SVM_C):
    return LinearSVC(C=c, class_weight="balanced", max_iter=5000)


class Bench:
    def __init__(self, data, seed):
        msgs, titles = load(data)
        texts, labels, self.n_msg, _, _ = split(msgs, titles, seed)   # held-out parts unused
        self.docs = [C.text_clean(t) for t in texts]
        self.classes = sorted(set(labels))
        self.y = np.array([self.classes.index(v) for v in labels])
        self.k = len(self.classes)
        self.is_msg = np.arange(len(self.docs)) < self.n_msg
        self.udocs, self.utitles = unlabelled(data, msgs, titles)
        self.seg = C._segmenter_for(self.docs, min_df=C.MIN_DF)
        self.analyzers = {"chars": C.char_grams, "words": self.seg, "head": C.head_grams}
        groups = [C._matter_key(t) for t in self.docs]
        self.folds = list(StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=1)
                          .split(self.docs, self.y, groups))
        self._blocks = None
        print(f"seed {seed}: {len(self.docs)} training rows ({self.n_msg} title + message), "
              f"{len(self.udocs)} unlabelled messages after dedup; 5 grouped folds", flush=True)

    def featurize(self, train_docs, others):
        blocks, out = [], [[] for _ in others]
        for name in VIEWS:
            vec = TfidfVectorizer(analyzer=self.analyzers[name], sublinear_tf=True, min_df=C.MIN_DF,
                                  dtype=np.float32)
            blocks.append(vec.fit_transform(train_docs))
            for i, o in enumerate(others):
                out[i].append(vec.transform(o))
        return blocks, out

    def blocks(self):
        if self._blocks is None:
            self._blocks = []
            for tr, te in self.folds:
                a, (b,) = self.featurize([self.docs[i] for i in tr], [[self.docs[i] for i in te]])
                self._blocks.append((tr, te, a, b))
        return self._blocks

    def report(self, name, scores):
        p, y, m = scores.argmax(1), self.y, self.is_msg
        print(f"  {name:<34} title+message {C._macro_f1_of(y[m], p[m], self.k):.4f}   "
              f"titles {C._macro_f1_of(y[~m], p[~m], self.k):.4f}", flush=True)

    def oof(self, model=svm, weights=(1, 1, 1), extra=None):
        s = np.zeros((len(self.docs), self.k))
        for tr, te, a, b in self.blocks():
            xa = [blk * w for blk, w in zip(a, weights)]
            xb = [blk * w for blk, w in zip(b, weights)]
            if extra is not None:
                dense = extra(tr)
                xa.append(sp.csr_matrix(dense[tr]))
                xb.append(sp.csr_matrix(dense[te]))
            s[te] = model().fit(sp.hstack(xa).tocsr(), self.y[tr]).decision_function(sp.hstack(xb).tocsr())
        return s


def run_weights(b):
    for w in ((1, 0.7, 1), (1, 1.4, 1), (1, 1, 1.5), (0.7, 1, 1)):
        b.report(f"view weights chars/words/head {w}", b.oof(weights=w))


def run_losses(b, base):
    z = lambda s: (s - s.mean()) / s.std()
    others = {"hinge loss": lambda: LinearSVC(C=C.SVM_C, loss="hinge", class_weight="balanced", max_iter=20000),
              "Crammer-Singer": lambda: LinearSVC(C=C.SVM_C, multi_class="crammer_singer",
                                                  class_weight="balanced", max_iter=5000),
              "ridge": lambda: RidgeClassifier(alpha=1.0, class_weight="balanced")}
    for name, model in others.items():
        s = b.oof(model=model)
        b.report(name, s)
        b.report(f"SVM + {name} (z-scored scores)", z(base) + z(s))


def run_selftrain(b):
    variants = {"self-training, margin >= 0.5, both": (0.5, True, True),
                "self-training, all, both": (-1e9, True, True),
                "self-training, margin >= 0.5, titles": (0.5, False, True)}
    out = {v: np.zeros((len(b.docs), b.k)) for v in variants}
    for tr, te in b.folds:
        train_docs, held = [b.docs[i] for i in tr], [b.docs[i] for i in te]
        a, (xu,) = b.featurize(train_docs, [b.udocs])
        s_u = svm().fit(sp.hstack(a).tocsr(), b.y[tr]).decision_function(sp.hstack(xu).tocsr())
        top2 = np.sort(s_u, 1)[:, -2:]
        pseudo = s_u.argmax(1)
        for name, (thr, full, heads) in variants.items():
            keep = np.where(top2[:, 1] - top2[:, 0] >= thr)[0]
            add, add_y = [], []
            if full:
                add += [b.udocs[i] for i in keep]
                add_y += list(pseudo[keep])
            if heads:
                add += [b.utitles[i] for i in keep]
                add_y += list(pseudo[keep])
            a2, (h2,) = b.featurize(train_docs + add, [held])
            model = svm().fit(sp.hstack(a2).tocsr(), np.concatenate([b.y[tr], np.array(add_y, dtype=int)]))
            out[name][te] = model.decision_function(sp.hstack(h2).tocsr())
    for name, s in out.items():
        b.report(name, s)


def ppmi_vectors(corpus, dims=150, window=4, min_count=3):
    counts = collections.Counter(w for ts in corpus for w in ts)
    vocab = [w for w, n in counts.items() if n >= min_count]
    index = {w: i for i, w in enumerate(vocab)}
    rows, cols = [], []
    for ts in corpus:
        ids = [index.get(w, -1) for w in ts]
        for i, p in enumerate(ids):
            if p < 0:
                continue
            for q in ids[max(0, i - window):i]:
                if q >= 0:
                    rows += [p, q]
                    cols += [q, p]
    m = sp.coo_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(vocab),) * 2).tocsr().tocoo()
    total = m.data.sum()
    row_sum = np.asarray(sp.csr_matrix(m).sum(1)).ravel()
    ctx = row_sum ** 0.75
    ctx /= ctx.sum()
    pmi = np.log(m.data / total / (row_sum[m.row] / total) / ctx[m.col])
    keep = pmi > 0
    from scipy.sparse.linalg import svds

    u, s, _ = svds(sp.csr_matrix((pmi[keep], (m.row[keep], m.col[keep])), shape=m.shape), k=dims)
    vectors = u * np.sqrt(s)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
    df = collections.Counter(w for ts in corpus for w in set(ts))
    idf = np.array([np.log(len(corpus) / df[w]) for w in vocab])
    return index, vectors, idf


def text_vectors(tokens, emb):
    index, vectors, idf = emb
    out = np.zeros((len(tokens), vectors.shape[1]))
    for j, ts in enumerate(tokens):
        ids = [index[w] for w in ts if w in index]
        if ids:
            v = (vectors[ids] * idf[ids][:, None]).sum(0)
            out[j] = v / (np.linalg.norm(v) + 1e-9)
    return out


def run_embeddings(b):
    tok = [b.seg(t) for t in b.docs]
    tok_u = [b.seg(t) for t in b.udocs]
    emb_u = ppmi_vectors(tok_u)
    dense_u = text_vectors(tok, emb_u)
    for w in (0.3, 0.7):
        b.report(f"+ word vectors of unlabelled, x{w}", b.oof(extra=lambda tr, d=dense_u * w: d))
    b.report("+ word vectors of fold + unlabelled, x0.5",
             b.oof(extra=lambda tr: 0.5 * text_vectors(tok, ppmi_vectors([tok[i] for i in tr] + tok_u))))
    b.report("+ word vectors of the fold only, x0.5",
             b.oof(extra=lambda tr: 0.5 * text_vectors(tok, ppmi_vectors([tok[i] for i in tr]))))


def run_msgonly(b):
    out = {"title + message rows only": [], "... + each row's title as a sample": []}
    for tr, te in b.folds:
        msg = tr[tr < b.n_msg]
        docs, ys = [b.docs[i] for i in msg], list(b.y[msg])
        heads = [b.docs[i].split(" ", 1)[0] for i in msg]
        held = [b.docs[i] for i in te]
        for name, (d, y) in zip(out, ((docs, ys), (docs + heads, ys + ys))):
            a, (h,) = b.featurize(d, [held])
            out[name].append((te, svm().fit(sp.hstack(a).tocsr(), y).decision_function(sp.hstack(h).tocsr())))
    for name, parts in out.items():
        s = np.zeros((len(b.docs), b.k))
        for te, sc in parts:
            s[te] = sc
        b.report(name, s)


def run_smalldata(b):
    groups = np.array([C._matter_key(t) for t in b.docs])
    rng = np.random.RandomState(0)
    for n, pool in ((1500, np.arange(b.n_msg)), (2500, np.arange(len(b.docs)))):
        got = collections.defaultdict(list)
        for _ in range(3):
            tr = np.sort(rng.choice(pool, n, replace=False))
            seen = set(groups[tr])
            te = np.array([i for i in range(len(b.docs)) if groups[i] not in seen])
            train_docs, held = [b.docs[i] for i in tr], [b.docs[i] for i in te]
            for min_df in (1, 2):
                seg = C._segmenter_for(train_docs, min_df=min_df)
                analyzers = {"chars": C.char_grams, "words": seg, "head": C.head_grams}
                xa, xb = [], []
                for name in VIEWS:
                    vec = TfidfVectorizer(analyzer=analyzers[name], sublinear_tf=True, min_df=min_df,
                                          dtype=np.float32)
                    xa.append(vec.fit_transform(train_docs))
                    xb.append(vec.transform(held))
                xa, xb = sp.hstack(xa).tocsr(), sp.hstack(xb).tocsr()
                m = te < b.n_msg
                for c in (0.15, 0.3, 0.6, 1.0):
                    p = svm(c).fit(xa, b.y[tr]).decision_function(xb).argmax(1)
                    got[(min_df, c)].append((C._macro_f1_of(b.y[te][m], p[m], b.k),
                                             C._macro_f1_of(b.y[te][~m], p[~m], b.k)))
        kind = "title + message rows" if n == 1500 else "rows"
        for (min_df, c), vals in got.items():
            fa, fb = np.mean(vals, axis=0)
            print(f"  {n} {kind}, min_df {min_df}, C {c:<4}: title+message {fa:.4f}   titles {fb:.4f}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=20250106)
    parser.add_argument("--only", default="weights,losses,selftrain,embeddings,msgonly")
    args = parser.parse_args()
    print("$ " + " ".join([".venv/bin/python", "bench/classify_tried.py", *sys.argv[1:]]), flush=True)
    warnings.filterwarnings("ignore")
    started = time.perf_counter()
    b = Bench(args.data, args.seed)
    base = b.oof()
    b.report("base (shipped recipe, no offsets)", base)
    only = args.only.split(",")
    for name, fn in (("weights", run_weights), ("losses", lambda x: run_losses(x, base)),
                     ("embeddings", run_embeddings), ("msgonly", run_msgonly), ("selftrain", run_selftrain),
                     ("smalldata", run_smalldata)):
        if name in only:
            print(f"{name}:", flush=True)
            fn(b)
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
