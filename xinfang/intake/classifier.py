"""Category suggestion from a matter's text: a linear model over character n-grams, jieba
words and the opening characters, trained on labelled texts (the public 智慧政务 data for the
default model; a deployment's own registered cases once it has enough of them).

Pure Python, no Django and no database, so the `intake train / classify` commands start
quickly and the web process loads a model once. A model file is a compressed joblib of the
fitted scikit-learn pipeline with its labels and training figures; it loads with the pinned
scikit-learn (requirements.lock).

Why this recipe (bench/classify.py measures it against a plain char n-gram baseline):
- char 1–3 grams carry the vocabulary without a dictionary (place and estate names, typos);
- jieba words add the matter's terms as units (物业费, 公积金, 拖欠工资);
- the first 40 characters again, separately: a title (or the opening of a message) says
  what the matter is; the rest of a long message mostly tells its history. Titles alone
  and title + message texts are then scored by the same features;
- titles and title + message texts train one model together (a short text is a sample
  like any other); copying a long text's title out as an extra sample was tried and did
  not help titles (bench/classify.py history in docs/intake.md);
- a linear SVM with balanced class weights (the small classes — 交通运输, 卫生计生 —
  otherwise lose recall), calibrated by 3-fold sigmoid fits so the top 3 come with a
  probability a registrar can read.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = 1
HEAD_CHARS = 40      # a title's length is ~20 characters (p99 ~ 40)
BODY_CHARS = 1500    # beyond this a message repeats itself; cutting keeps classify fast
_SPACE = re.compile(r"\s+")

_jieba_lock = threading.Lock()
_jieba = None


def _segmenter():
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def text_clean(text: str) -> str:
    """Full-width to half-width, one space for any run of whitespace, cut to BODY_CHARS."""
    text = unicodedata.normalize("NFKC", text or "")
    return _SPACE.sub(" ", text).strip()[:BODY_CHARS]


def text_head(text: str) -> str:
    return text[:HEAD_CHARS]


def text_words(text: str) -> list[str]:
    # Dictionary words only (no HMM guessing of new words): twice as fast, and the char
    # n-grams already carry what a new word would.
    return [w for w in _segmenter().lcut(text, HMM=False) if w.strip()]


def _pipeline(*, c: float = 0.7):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    features = FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2,
                                  dtype=_float32())),
        ("words", TfidfVectorizer(tokenizer=text_words, token_pattern=None, lowercase=False,
                                  sublinear_tf=True, min_df=2, dtype=_float32())),
        ("head", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), preprocessor=text_head,
                                 sublinear_tf=True, min_df=2, dtype=_float32())),
    ])
    svm = LinearSVC(C=c, class_weight="balanced")
    # ensemble=False: one SVM fitted on all rows, calibrated by 3-fold sigmoid fits; a third
    # of the size and the predict time of averaging three SVMs.
    return Pipeline([("features", features),
                     ("svm", CalibratedClassifierCV(svm, cv=3, method="sigmoid", ensemble=False))])


def _pipeline_shrink(pipeline) -> None:
    """Float32 weights: half the file, the same predictions to six digits."""
    import numpy as np

    for cal in pipeline.named_steps["svm"].calibrated_classifiers_:
        est = cal.estimator
        est.coef_ = est.coef_.astype(np.float32)
        est.intercept_ = est.intercept_.astype(np.float32)


def _float32():
    import numpy as np

    return np.float32


class TrainingDataError(ValueError):
    """The training texts cannot make a model (too few rows, a single label)."""


@dataclass
class CategoryClassifier:
    pipeline: object
    labels: list[str]
    sample_count: int
    trained_at: str
    figures: dict = field(default_factory=dict)   # e.g. {"macro_f1": 0.9, "heldout": 400}

    # --- training ----------------------------------------------------------------------

    @classmethod
    def fit(cls, texts: list[str], labels: list[str]) -> "CategoryClassifier":
        """Train on (text, label) pairs; empty texts and labels are left out."""
        pairs = [(text_clean(t), str(y).strip()) for t, y in zip(texts, labels)]
        pairs = [(t, y) for t, y in pairs if t and y]
        distinct = sorted({y for _, y in pairs})
        if len(distinct) < 2:
            raise TrainingDataError("训练数据至少需要两个不同的分类标签。")
        counts = {y: 0 for y in distinct}
        for _, y in pairs:
            counts[y] += 1
        if min(counts.values()) < 3:
            rare = "、".join(y for y, n in counts.items() if n < 3)
            raise TrainingDataError(f"每个分类至少需要 3 条训练文本，以下分类不足：{rare}。")
        pipeline = _pipeline()
        pipeline.fit([t for t, _ in pairs], [y for _, y in pairs])
        _pipeline_shrink(pipeline)
        return cls(pipeline=pipeline, labels=[str(x) for x in pipeline.classes_], sample_count=len(pairs),
                   trained_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                   figures={"prior_label": max(counts, key=counts.get)})

    # --- use ---------------------------------------------------------------------------

    def top(self, texts: list[str], *, k: int = 3) -> list[list[tuple[str, float]]]:
        """For each text, the k most likely labels with their probability, best first.
        An empty text gets an empty list."""
        cleaned = [text_clean(t) for t in texts]
        out: list[list[tuple[str, float]]] = [[] for _ in cleaned]
        todo = [i for i, t in enumerate(cleaned) if t]
        if todo:
            probs = self.pipeline.predict_proba([cleaned[i] for i in todo])
            for row, i in zip(probs, todo):
                best = row.argsort()[::-1][:k]
                out[i] = [(self.labels[j], float(row[j])) for j in best]
        return out

    def predict(self, texts: list[str]) -> list[str]:
        """One label per text, in order; an empty text gets the most frequent label of
        the training data's prior (the model's answer to no evidence)."""
        fallback = self.figures.get("prior_label") or self.labels[0]
        return [t[0][0] if t else fallback for t in self.top(texts, k=1)]

    # --- files -------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        import joblib

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        joblib.dump({"format": FORMAT, "pipeline": self.pipeline, "labels": self.labels,
                     "sample_count": self.sample_count, "trained_at": self.trained_at, "figures": self.figures},
                    tmp, compress=("xz", 6))
        tmp.replace(path)   # never a half-written model where a good one was

    @classmethod
    def load(cls, path: str | Path) -> "CategoryClassifier":
        import joblib

        blob = joblib.load(Path(path))
        if not isinstance(blob, dict) or blob.get("format") != FORMAT:
            raise ValueError(f"{path} 不是本系统的分类模型文件。")
        return cls(pipeline=blob["pipeline"], labels=list(blob["labels"]), sample_count=blob["sample_count"],
                   trained_at=blob["trained_at"], figures=dict(blob.get("figures") or {}))


def macro_f1(truth: list[str], predicted: list[str]) -> tuple[float, dict[str, dict]]:
    """Macro-averaged F1 and per-label precision / recall / F1 / support."""
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(truth) | set(predicted))
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    per = {lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
           for i, lab in enumerate(labels)}
    # As scikit-learn's f1_score(average="macro"): every label seen in truth or prediction.
    return (sum(x["f1"] for x in per.values()) / len(per) if per else 0.0), per
