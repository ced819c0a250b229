"""Category classification: macro-F1 on held-out texts and classify latency on one core.

    .venv/bin/python bench/classify.py [--data ../shared/data/teddy2020] [--seed 20250106] [--latency 500]
    .venv/bin/python bench/classify.py --save-default xinfang/intake/data/default_model.joblib

Split (fixed seed, stratified by label): 20% of messages_labelled.csv (title + message) and
20% of the distinct titles of titles_labelled.csv are held out. Any training row whose
title is one of the held-out titles is dropped from training (the two files share most
titles, and residents resubmit the same title), so no held-out text is seen in training.
Both models train on the remaining messages (title + message) and titles together:
  ours      xinfang.intake.classifier (char 1–3 + jieba words + first 40 characters, balanced
            linear SVM, sigmoid-calibrated)
  baseline  TF-IDF of char 1–4 grams, logistic regression (the issue's reference point)
Latency: `classify` of one text at a time on one pinned core, median and p95, over held-out
title + message texts.

--save-default trains the shipped default model on ALL the labelled rows and writes it.
"""
import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xinfang.intake.classifier import CategoryClassifier, macro_f1, text_clean  # noqa: E402
from xinfang.intake.training_data import labelled_texts_read  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "teddy2020"


def stratified_split(labels, *, share, seed):
    import random

    rng = random.Random(seed)
    by = {}
    for i, y in enumerate(labels):
        by.setdefault(y, []).append(i)
    train, held = [], []
    for idx in by.values():
        rng.shuffle(idx)
        n = round(len(idx) * share)
        held += idx[:n]
        train += idx[n:]
    return sorted(train), sorted(held)


def load(data: Path):
    msgs = labelled_texts_read(data / "messages_labelled.csv", text_columns=["留言主题", "留言详情"],
                               label_column="一级标签")
    titles = labelled_texts_read(data / "titles_labelled.csv", text_columns=["留言主题"], label_column="一级标签")
    return msgs, titles


def baseline_fit(texts, labels):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 4), sublinear_tf=True, min_df=2),
                          LogisticRegression(C=10, max_iter=1000))
    return model.fit([text_clean(t) for t in texts], labels)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=20250106)
    parser.add_argument("--latency", type=int, default=500, help="texts timed one at a time")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--save-default", type=Path, help="train on all rows and write the default model here")
    args = parser.parse_args()
    print("$ " + " ".join([".venv/bin/python", "bench/classify.py", *sys.argv[1:]]), flush=True)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})   # one core
    msgs, titles = load(args.data)

    if args.save_default:
        started = time.perf_counter()
        model = CategoryClassifier.fit(msgs.texts + titles.texts, msgs.labels + titles.labels)
        model.figures["source"] = "teddy2020 messages_labelled + titles_labelled (all rows)"
        model.save(args.save_default)
        size = args.save_default.stat().st_size / 1e6
        print(f"default model: {model.sample_count} samples, {time.perf_counter() - started:.0f} s, "
              f"{size:.1f} MB -> {args.save_default}")
        return

    # Distinct titles only in the titles split: a repeated title must not sit on both sides.
    seen, t_idx = set(), []
    for i, t in enumerate(titles.texts):
        if t not in seen:
            seen.add(t)
            t_idx.append(i)
    m_train, m_held = stratified_split(msgs.labels, share=0.2, seed=args.seed)
    tt, th = stratified_split([titles.labels[i] for i in t_idx], share=0.2, seed=args.seed)
    t_held = [t_idx[i] for i in th]
    held_titles = {msgs.first_column[i] for i in m_held} | {titles.texts[i] for i in t_held}
    train_texts, train_labels = [], []
    for i in m_train:
        if msgs.first_column[i] not in held_titles:
            train_texts.append(msgs.texts[i])
            train_labels.append(msgs.labels[i])
    n_msg_train = len(train_texts)
    for i, t in enumerate(titles.texts):
        if t not in held_titles:
            train_texts.append(t)
            train_labels.append(titles.labels[i])
    a_texts, a_labels = [msgs.texts[i] for i in m_held], [msgs.labels[i] for i in m_held]
    b_texts, b_labels = [titles.texts[i] for i in t_held], [titles.labels[i] for i in t_held]
    print(f"train: {n_msg_train} title+message texts + {len(train_texts) - n_msg_train} titles; "
          f"held out: {len(a_texts)} title+message texts, {len(b_texts)} titles (seed {args.seed})", flush=True)

    started = time.perf_counter()
    ours = CategoryClassifier.fit(train_texts, train_labels)
    fit_s = time.perf_counter() - started
    fa, per_a = macro_f1(a_labels, ours.predict(a_texts))
    fb, per_b = macro_f1(b_labels, ours.predict(b_texts))
    print(f"ours      macro-F1  title+message {fa:.4f}   titles {fb:.4f}   (fit {fit_s:.0f} s)", flush=True)
    if not args.no_baseline:
        started = time.perf_counter()
        base = baseline_fit(train_texts, train_labels)
        fit_s = time.perf_counter() - started
        ba, _ = macro_f1(a_labels, list(base.predict([text_clean(t) for t in a_texts])))
        bb, _ = macro_f1(b_labels, list(base.predict([text_clean(t) for t in b_texts])))
        print(f"baseline  macro-F1  title+message {ba:.4f}   titles {bb:.4f}   (char 1-4 TF-IDF + LR, fit {fit_s:.0f} s)")
    print("per class (ours, title+message / titles):")
    for label in sorted(per_a):
        print(f"  {label:<10} F1 {per_a[label]['f1']:.3f} / {per_b.get(label, {}).get('f1', 0):.3f}   "
              f"n {per_a[label]['support']} / {per_b.get(label, {}).get('support', 0)}")

    # Latency: one text per call, as the registration page and `classify` of one line do.
    sample = (a_texts * (args.latency // max(1, len(a_texts)) + 1))[:args.latency]
    ours.predict(sample[:20])   # warm: jieba's dictionary, first-call allocations
    times = []
    for text in sample:
        t0 = time.perf_counter()
        ours.top([text], k=3)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    med, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
    short = [t for t in b_texts][:args.latency]
    ts = []
    for text in short:
        t0 = time.perf_counter()
        ours.top([text], k=3)
        ts.append((time.perf_counter() - t0) * 1000)
    ts.sort()
    print(f"latency per text, one core: title+message median {med:.2f} ms, p95 {p95:.2f} ms; "
          f"titles median {ts[len(ts) // 2]:.2f} ms, p95 {ts[int(len(ts) * 0.95)]:.2f} ms "
          f"({len(times)} + {len(ts)} texts, one at a time)")


if __name__ == "__main__":
    main()
