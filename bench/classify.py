"""Category classification: macro-F1 on held-out texts, latency per text on one core, model
size, load time and `xinfang intake classify` start-up.

    .venv/bin/python bench/classify.py [--data ../shared/data/teddy2020] [--seeds 20250106,7,11] [--latency 500]
    .venv/bin/python bench/classify.py --save-default xinfang/intake/data/default_model.joblib

Split (per seed, stratified by label): 20% of messages_labelled.csv (title + message) and
20% of the distinct titles of titles_labelled.csv are held out. Any training row whose
title is one of the held-out titles is dropped from training (the two files share most
titles, and residents resubmit the same title), so no held-out text is seen in training.
Nothing is tuned on the held-out part: the model's own choices (per-class offsets,
temperature) come from out-of-fold scores inside the training rows.
Both models train on the remaining messages (title + message) and titles together:
  ours      xinfang.intake.classifier (char 1–3 + jieba words + first 25 characters, balanced
            linear SVM, per-class offsets for macro-F1)
  baseline  TF-IDF of char 1–4 grams, logistic regression (the issue's reference point)
Latency: one text per call (as the registration page and `classify` of one line), one
thread, the process pinned to one core; median and p95 over held-out texts.
Start-up: wall time of `xinfang intake classify --model M` on one line, through the
installed entry point and through the Django-free entry (`_classify.classify_main`).

--save-default trains the shipped default model on ALL the labelled rows and writes it.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
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


def split(msgs, titles, seed):
    """(train texts, train labels, #messages in train, held-out messages, held-out titles)."""
    # Distinct titles only in the titles split: a repeated title must not sit on both sides.
    seen, t_idx = set(), []
    for i, t in enumerate(titles.texts):
        if t not in seen:
            seen.add(t)
            t_idx.append(i)
    m_train, m_held = stratified_split(msgs.labels, share=0.2, seed=seed)
    _, th = stratified_split([titles.labels[i] for i in t_idx], share=0.2, seed=seed)
    t_held = [t_idx[i] for i in th]
    held_titles = {msgs.first_column[i] for i in m_held} | {titles.texts[i] for i in t_held}
    texts, labels = [], []
    for i in m_train:
        if msgs.first_column[i] not in held_titles:
            texts.append(msgs.texts[i])
            labels.append(msgs.labels[i])
    n_msg = len(texts)
    for i, t in enumerate(titles.texts):
        if t not in held_titles:
            texts.append(t)
            labels.append(titles.labels[i])
    a = ([msgs.texts[i] for i in m_held], [msgs.labels[i] for i in m_held])
    b = ([titles.texts[i] for i in t_held], [titles.labels[i] for i in t_held])
    return texts, labels, n_msg, a, b


def baseline_fit(texts, labels):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 4), sublinear_tf=True, min_df=2),
                          LogisticRegression(C=10, max_iter=1000))
    return model.fit([text_clean(t) for t in texts], labels)


def timings(model, texts):
    out = []
    for text in texts:
        t0 = time.perf_counter()
        model.top([text], k=3)
        out.append((time.perf_counter() - t0) * 1000)
    out.sort()
    return out[len(out) // 2], out[int(len(out) * 0.95)]


def startup(argv, runs=3):
    """Median wall seconds of a classify process on one line."""
    env = dict(os.environ, DATABASE_URL="sqlite:////tmp/xf-bench-none.sqlite3")
    walls = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = subprocess.run(argv, input="小区物业乱收停车费\n".encode(), capture_output=True, env=env, cwd=ROOT)
        walls.append(time.perf_counter() - t0)
        if result.returncode != 0:
            return f"failed: {result.stderr.decode()[-200:]}"
    return f"{statistics.median(walls):.2f} s"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seeds", default="20250106", help="comma-separated split seeds; the mean is printed too")
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
              f"{size:.1f} MB -> {args.save_default}; out-of-fold macro-F1 {model.figures.get('cv_macro_f1')}"
              f" ({model.figures.get('cv_macro_f1_offsets')} with offsets)")
        return

    seeds = [int(s) for s in args.seeds.split(",")]
    rows = {"ours": [], "baseline": []}
    for n, seed in enumerate(seeds):
        texts, labels, n_msg, (a_texts, a_labels), (b_texts, b_labels) = split(msgs, titles, seed)
        print(f"seed {seed}: train {n_msg} title+message texts + {len(texts) - n_msg} titles; "
              f"held out {len(a_texts)} title+message texts, {len(b_texts)} titles", flush=True)
        started = time.perf_counter()
        ours = CategoryClassifier.fit(texts, labels)
        fit_s = time.perf_counter() - started
        fa, per_a = macro_f1(a_labels, ours.predict(a_texts))
        fb, per_b = macro_f1(b_labels, ours.predict(b_texts))
        rows["ours"].append((fa, fb))
        print(f"  ours      macro-F1  title+message {fa:.4f}   titles {fb:.4f}   (fit {fit_s:.0f} s)", flush=True)
        if not args.no_baseline:
            started = time.perf_counter()
            base = baseline_fit(texts, labels)
            fit_s = time.perf_counter() - started
            ba, _ = macro_f1(a_labels, list(base.predict([text_clean(t) for t in a_texts])))
            bb, _ = macro_f1(b_labels, list(base.predict([text_clean(t) for t in b_texts])))
            rows["baseline"].append((ba, bb))
            print(f"  baseline  macro-F1  title+message {ba:.4f}   titles {bb:.4f}   "
                  f"(char 1-4 TF-IDF + LR, fit {fit_s:.0f} s)", flush=True)
        if n:
            continue
        print("  per class (ours, title+message / titles):")
        for label in sorted(per_a):
            print(f"    {label:<10} F1 {per_a[label]['f1']:.3f} / {per_b.get(label, {}).get('f1', 0):.3f}   "
                  f"n {per_a[label]['support']} / {per_b.get(label, {}).get('support', 0)}")
        # Confidence shown to a registrar against how often the top suggestion is right.
        for name, (xs, ys) in (("title+message", (a_texts, a_labels)), ("titles", (b_texts, b_labels))):
            tops = [t[0] for t in ours.top(xs, k=1)]
            right = sum(label == y for (label, _), y in zip(tops, ys)) / len(ys)
            sure = [(label == y) for (label, p), y in zip(tops, ys) if p >= 0.9]
            print(f"  {name}: mean top-1 probability {statistics.mean(p for _, p in tops):.3f}, accuracy {right:.3f}; "
                  f"p >= 0.9 on {len(sure) / len(ys):.0%} of texts, right on {statistics.mean(sure):.3f} of those")
        # Latency, size, load and start-up: the first seed's model.
        sample = (a_texts * (args.latency // max(1, len(a_texts)) + 1))[:args.latency]
        ours.predict(sample[:20])   # warm: first-call allocations
        am, ap = timings(ours, sample)
        bm, bp = timings(ours, b_texts[:args.latency])
        print(f"  latency per text, one core, one text per call: title+message median {am:.2f} ms, p95 {ap:.2f} ms; "
              f"titles median {bm:.2f} ms, p95 {bp:.2f} ms ({len(sample)} + {min(len(b_texts), args.latency)} texts)")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "model.joblib"
            ours.save(path)
            loads = []
            for _ in range(3):
                t0 = time.perf_counter()
                CategoryClassifier.load(path)
                loads.append(time.perf_counter() - t0)
            xinfang = str(Path(sys.executable).parent / "xinfang")
            print(f"  model file {path.stat().st_size / 1e6:.1f} MB; load {statistics.median(loads) * 1000:.0f} ms; "
                  f"classify start-up (one line): `xinfang intake classify` "
                  f"{startup([xinfang, 'intake', 'classify', '--model', str(path)])}, Django-free entry "
                  f"{startup([sys.executable, '-c', 'import sys; from xinfang.intake.management.commands._classify import classify_main; sys.exit(classify_main(sys.argv[1:]))', '--model', str(path)])}",
                  flush=True)
    if len(seeds) > 1:
        for name, vals in rows.items():
            if vals:
                print(f"mean over {len(vals)} seeds: {name:<9} title+message {statistics.mean(v[0] for v in vals):.4f}   "
                      f"titles {statistics.mean(v[1] for v in vals):.4f}")


if __name__ == "__main__":
    main()
