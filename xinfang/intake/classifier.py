"""Category suggestion from a matter's text: a linear model over character n-grams, words
and the opening characters, trained on labelled texts (the public 智慧政务 data for the
default model; a deployment's own registered cases once it has enough of them).

No Django and no database, so the `intake train / classify` commands run anywhere, and the
web process loads a model once. Training uses scikit-learn; using a model does not: a model
file is plain arrays (vocabularies, idf, weights) in a NumPy .npz, read without pickle, and
a text is scored in pure Python + NumPy. So `classify` starts in a fraction of a second and
a model file cannot run code when loaded.

The recipe (bench/classify.py measures it against a char n-gram baseline; docs/intake.md
keeps what was tried):
- char 1–3 grams of the text (up to BODY_CHARS): vocabulary without a dictionary (place and
  estate names, typos);
- words of the first WORD_CHARS characters: jieba's maximum-probability segmentation
  without HMM, over a dictionary cut to the words of the training texts (found with jieba's
  full dictionary, then frozen into the model) and run by WordSegmenter (jieba's cut,
  reimplemented), so using a model needs neither jieba nor its 350k words and segments
  exactly as training did;
- char 1–3 grams of the first HEAD_CHARS characters again: a title (or the opening of a
  message) says what the matter is; the rest of a long message mostly tells its history;
- each view TF-IDF (sublinear tf, l2) and one linear SVM over their union, classes
  balanced (the small classes otherwise lose recall);
- per-class offsets added to the SVM's scores, chosen on out-of-fold scores to maximise
  macro-F1 (a small category counts as much as a large one), and a softmax temperature
  fitted on the same scores, so the top 3 carry probabilities a registrar can read.
Titles and title + message texts train one model together: a short text is a sample like
any other.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
import threading
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = 2
HEAD_CHARS = 25      # a title is ~20 characters (median 19)
WORD_CHARS = 400     # words beyond the opening add nothing measurable and cost most of the time
BODY_CHARS = 1000    # beyond this a message repeats itself (1,500 measured the same, slower)
MIN_DF = 2           # a term seen in one training text only is noise (used from 200 texts on)
SVM_C = 0.3
RARE_TEXTS = 3       # fewer training texts than this: the label is named in figures["rare_labels"]
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def text_clean(text: str) -> str:
    """NFKC (full-width to half-width), lower case, control characters out, one space for
    any run of whitespace, cut to BODY_CHARS."""
    text = unicodedata.normalize("NFKC", (text or "")[:BODY_CHARS * 2])
    return _SPACE.sub(" ", _CONTROL.sub(" ", text)).strip().lower()[:BODY_CHARS]


def char_grams(text: str) -> list[str]:
    n = len(text)
    return [*text, *[text[i:i + 2] for i in range(n - 1)], *[text[i:i + 3] for i in range(n - 2)]]


def head_grams(text: str) -> list[str]:
    return char_grams(text[:HEAD_CHARS])


class WordSegmenter:
    """jieba's segmentation without HMM (cut(text, HMM=False)): the most probable path
    through the DAG of dictionary words, runs of Latin letters and digits kept whole, other
    characters one by one, whitespace dropped. Done here over the model's own word list,
    so using a model needs neither jieba's dictionary nor jieba (whose import alone costs
    a tenth of a second). With jieba's frequencies and total it finds what jieba would find
    with its full dictionary, save the words the list leaves out."""

    _BLOCK = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+)")   # jieba's re_han_default
    _LATIN = re.compile(r"[a-zA-Z0-9]")

    def __init__(self, freq: dict[str, int], total: int):
        self.freq, self.total = freq, total
        log_total = math.log(total)
        # word → log probability; a prefix of a word that is no word itself → None
        logp: dict[str, float | None] = {}
        for word in freq:
            for i in range(1, len(word)):
                logp.setdefault(word[:i], None)
        for word, n in freq.items():
            logp[word] = math.log(n) - log_total if n else None
        self._logp, self._unknown = logp, -log_total   # an unknown character counts once

    def __call__(self, text: str) -> list[str]:
        out: list[str] = []
        for block in self._BLOCK.split(text[:WORD_CHARS]):
            if not block:
                continue
            if self._BLOCK.match(block):
                out += self._cut(block)
            else:
                out += [ch for ch in block if not ch.isspace()]
        return out

    def _cut(self, s: str) -> list[str]:
        logp, unknown, n = self._logp, self._unknown, len(s)
        route: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
        for i in range(n - 1, -1, -1):
            best, j, frag = None, i, s[i]
            while frag in logp:
                p = logp[frag]
                if p is not None:
                    cand = (p + route[j + 1][0], j)
                    if best is None or cand > best:
                        best = cand
                j += 1
                if j >= n:
                    break
                frag = s[i:j + 1]
            if best is None:   # no word starts here: the character alone
                best = (unknown + route[i + 1][0], i)
            route[i] = best
        words, buf, i = [], "", 0
        while i < n:
            j = route[i][1] + 1
            word = s[i:j]
            if len(word) == 1 and self._LATIN.match(word):
                buf += word
            else:
                if buf:
                    words.append(buf)
                    buf = ""
                words.append(word)
            i = j
        if buf:
            words.append(buf)
        return words


_full_lock = threading.Lock()


def _full_jieba():
    """jieba with its full dictionary (training only: ~1 s to load)."""
    import jieba

    with _full_lock:
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
    return jieba.dt


def _segmenter_for(docs: list[str], *, min_df: int) -> WordSegmenter:
    """The dictionary a model keeps: words jieba's full dictionary finds in at least min_df
    of the texts, and every character of the texts, with jieba's frequencies."""
    full = _full_jieba()
    df: dict[str, int] = {}
    chars: set[str] = set()
    for doc in docs:
        head = doc[:WORD_CHARS]
        chars.update(head)
        for w in set(full.lcut(head, HMM=False)):
            if len(w) > 1:
                df[w] = df.get(w, 0) + 1
    freq = {w: full.FREQ[w] for w, n in df.items() if n >= min_df and full.FREQ.get(w)}
    freq.update({c: full.FREQ[c] for c in chars if full.FREQ.get(c)})
    return WordSegmenter(freq, full.total)


class TrainingDataError(ValueError):
    """The training texts cannot make a model (too few rows, a single label)."""


# --- the model: arrays, and scoring a text with them ------------------------------------------

class LinearTextModel:
    """Views (name, analyzer, vocabulary, idf, first row in coef), weights coef[n_features,
    n_classes], intercept, offsets, temperature. Scores exactly what scikit-learn's
    TfidfVectorizer(sublinear_tf=True) + LinearSVC.decision_function compute."""

    VIEWS = ("chars", "words", "head")

    def __init__(self, *, vocabularies: dict[str, list[str]], idf: dict, coef, intercept, offsets,
                 temperature: float, segmenter: WordSegmenter):
        import numpy as np

        self.segmenter = segmenter
        self.vocabularies = vocabularies
        self.coef = np.ascontiguousarray(coef, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.offsets = np.asarray(offsets, dtype=np.float64)
        self.temperature = float(temperature)
        analyzers = {"chars": char_grams, "words": segmenter, "head": head_grams}
        self.views, start = [], 0
        for name in self.VIEWS:
            terms = vocabularies[name]
            self.views.append((name, analyzers[name], dict(zip(terms, range(len(terms)))),
                               np.asarray(idf[name], dtype=np.float32), self.coef[start:start + len(terms)]))
            start += len(terms)
        if self.coef.shape[0] != start:
            raise ValueError("模型文件的词表与权重不一致。")

    def decision(self, text: str):
        """The SVM's score per class for one cleaned text."""
        import numpy as np

        score = self.intercept.copy()
        for _, analyze, vocab, idf, coef in self.views:
            hits = [j for j in map(vocab.get, analyze(text)) if j is not None]
            if not hits:
                continue
            idx, counts = np.unique(np.fromiter(hits, dtype=np.int64, count=len(hits)), return_counts=True)
            x = (1.0 + np.log(counts)) * idf[idx]
            score += (x / np.sqrt(np.dot(x, x))) @ coef[idx]
        return score

    def proba(self, texts: list[str]):
        import numpy as np

        scores = np.array([self.decision(t) for t in texts]) + self.offsets
        return _softmax(scores / self.temperature)


def _softmax(z):
    import numpy as np

    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class _LegacyPipeline:
    """A format-1 file (a pickled scikit-learn pipeline) trained before format 2."""

    def __init__(self, pipeline):
        self.pipeline = pipeline

    def proba(self, texts: list[str]):
        return self.pipeline.predict_proba(texts)


# Names format-1 pipelines were pickled with (their tokenizer and preprocessor).
def text_words(text: str) -> list[str]:
    return [w for w in _full_jieba().lcut(text, HMM=False) if w.strip()]


def text_head(text: str) -> str:
    return text[:40]


# --- training -----------------------------------------------------------------------------

def _macro_f1_of(y, predicted, n_classes: int) -> float:
    import numpy as np

    f1 = []
    for k in range(n_classes):
        tp = np.sum((predicted == k) & (y == k))
        fp = np.sum((predicted == k) & (y != k))
        fn = np.sum((predicted != k) & (y == k))
        if tp + fp + fn:
            f1.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f1)) if f1 else 0.0


def _offsets_tune(scores, y, n_classes: int):
    """Per-class offsets that raise macro-F1 of argmax(scores + offsets): coordinate
    ascent over a small grid, kept only where it helps (a balanced SVM already sits near
    the best; the offsets move the boundaries between the classes that share words)."""
    import numpy as np

    offsets = np.zeros(n_classes)
    best = _macro_f1_of(y, scores.argmax(1), n_classes)
    for _ in range(2):
        for k in range(n_classes):
            for d in np.linspace(-0.3, 0.3, 25):
                trial = offsets.copy()
                trial[k] = d
                f1 = _macro_f1_of(y, (scores + trial).argmax(1), n_classes)
                if f1 > best + 1e-9:
                    best, offsets = f1, trial
    return offsets, best


def _temperature_fit(scores, y) -> float:
    """The softmax temperature that best predicts the held-out labels (log loss)."""
    import numpy as np

    best_t, best_loss = 1.0, np.inf
    for t in np.logspace(-2.5, 0.5, 61):
        p = _softmax(scores / t)
        loss = -np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-12, 1)))
        if loss < best_loss:
            best_t, best_loss = float(t), loss
    return best_t


def _svm():
    from sklearn.svm import LinearSVC

    return LinearSVC(C=SVM_C, class_weight="balanced", random_state=0, max_iter=5000)


def _decisions(svm, X, n_classes: int):
    """Scores per class in the order of range(n_classes) (an SVM that saw only some of the
    classes gives the others a very low score)."""
    import numpy as np

    raw = svm.decision_function(X)
    classes = list(svm.classes_)
    if raw.ndim == 1:   # two classes: one score for the second
        raw = np.column_stack([-raw / 2, raw / 2])
    out = np.full((X.shape[0], n_classes), -10.0)
    out[:, classes] = raw
    return out


def _matter_key(text: str) -> str:
    """Texts of one matter share it: a title, and the title + message joined with a space
    (or a resubmission). Cross-validation keeps them on one side, else a title in training
    gives its own message away and the out-of-fold scores flatter the model."""
    title = text.split(" ", 1)[0]
    return (title if len(title) >= 6 else text)[:HEAD_CHARS]


def _out_of_fold(X, y, groups, n_classes: int, *, folds: int = 3):
    """Scores of each training text by an SVM that saw no text of the same matter, and
    the mean norm of those SVMs' weights."""
    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold

    scores, norms = np.zeros((X.shape[0], n_classes)), []
    for train, held in StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=0).split(X, y, groups):
        svm = _svm().fit(X[train], y[train])
        scores[held] = _decisions(svm, X[held], n_classes)
        norms.append(float(np.linalg.norm(svm.coef_)))
    return scores, float(np.mean(norms))


@dataclass
class CategoryClassifier:
    engine: object           # LinearTextModel, or _LegacyPipeline for a format-1 file
    labels: list[str]
    sample_count: int
    trained_at: str
    figures: dict = field(default_factory=dict)   # e.g. {"macro_f1": 0.9, "heldout": 400}

    @classmethod
    def fit(cls, texts: list[str], labels: list[str]) -> "CategoryClassifier":
        """Train on (text, label) pairs; empty texts and labels are left out."""
        import warnings

        import numpy as np
        import scipy.sparse as sp
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import TfidfVectorizer

        pairs = [(text_clean(t), str(y).strip()) for t, y in zip(texts, labels)]
        pairs = [(t, y) for t, y in pairs if t and y]
        distinct = sorted({y for _, y in pairs})
        if len(distinct) < 2:
            raise TrainingDataError("训练数据至少需要两个不同的分类标签。")
        counts = {y: 0 for y in distinct}
        for _, y in pairs:
            counts[y] += 1
        # A label with one or two texts still trains (a label set cut at the second or third
        # level has rare labels; refusing would leave no model at all): the model can
        # suggest it, weakly, and figures name it so the command and the admin can say so.
        rare = sorted(y for y, n in counts.items() if n < RARE_TEXTS)
        docs = [t for t, _ in pairs]
        y = np.array([distinct.index(label) for _, label in pairs])
        n_classes = len(distinct)
        min_df = MIN_DF if len(docs) >= 200 else 1
        segmenter = _segmenter_for(docs, min_df=min_df)
        analyzers = {"chars": char_grams, "words": segmenter, "head": head_grams}
        vectorizers = {name: TfidfVectorizer(analyzer=analyzers[name], sublinear_tf=True, min_df=min_df,
                                             dtype=np.float32) for name in LinearTextModel.VIEWS}
        blocks = []
        for name in LinearTextModel.VIEWS:
            try:
                blocks.append(vectorizers[name].fit_transform(docs))
            except ValueError:   # no term in two texts (tiny data): this view is empty
                vectorizers[name] = None
                blocks.append(sp.csr_matrix((len(docs), 0), dtype=np.float32))
        X = sp.hstack(blocks).tocsr()
        if X.shape[1] == 0:
            raise TrainingDataError("训练文本中没有可用的字词。")

        figures = {"prior_label": max(counts, key=counts.get)}
        if rare:
            figures["rare_labels"] = rare
        offsets, temperature = np.zeros(n_classes), 0.1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            # a rare label sits in fewer folds than there are: expected, nothing to report
            warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
            if len(docs) >= 30:   # else too few texts to hold any out
                groups = [_matter_key(t) for t in docs]
                oof, fold_norm = _out_of_fold(X, y, groups, n_classes)
                figures["cv_macro_f1"] = round(_macro_f1_of(y, oof.argmax(1), n_classes), 4)
                if len(docs) >= 200:
                    offsets, tuned = _offsets_tune(oof, y, n_classes)
                    figures["cv_macro_f1_offsets"] = round(tuned, 4)
                temperature = _temperature_fit(oof + offsets, y)
            svm = _svm().fit(X, y)
            if "cv_macro_f1" in figures:
                # The kept SVM learnt from all rows, the fold SVMs from two thirds: its scores
                # run larger by about the ratio of the weights' norms, so the temperature too.
                temperature *= float(np.linalg.norm(svm.coef_)) / fold_norm

        coef = svm.coef_.T.astype(np.float32)
        intercept = np.asarray(svm.intercept_, dtype=np.float64)
        if n_classes == 2:   # one score for the second class → one per class, as _decisions
            coef = np.column_stack([-coef[:, 0] / 2, coef[:, 0] / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
        vocabularies, idf = {}, {}
        for name in LinearTextModel.VIEWS:
            vec = vectorizers[name]
            if vec is None:
                vocabularies[name], idf[name] = [], np.zeros(0, dtype=np.float32)
                continue
            terms = vec.get_feature_names_out()
            vocabularies[name], idf[name] = [str(t) for t in terms], vec.idf_.astype(np.float32)
        engine = LinearTextModel(vocabularies=vocabularies, idf=idf, coef=coef, intercept=intercept,
                                 offsets=offsets, temperature=temperature, segmenter=segmenter)
        return cls(engine=engine, labels=distinct, sample_count=len(pairs),
                   trained_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), figures=figures)

    # --- use ---------------------------------------------------------------------------

    def top(self, texts: list[str], *, k: int = 3) -> list[list[tuple[str, float]]]:
        """For each text, the k most likely labels with their probability, best first.
        An empty text gets an empty list."""
        cleaned = [text_clean(t) for t in texts]
        out: list[list[tuple[str, float]]] = [[] for _ in cleaned]
        todo = [i for i, t in enumerate(cleaned) if t]
        if todo:
            probs = self.engine.proba([cleaned[i] for i in todo])
            for row, i in zip(probs, todo):
                best = row.argsort()[::-1][:k]
                out[i] = [(self.labels[j], float(row[j])) for j in best]
        return out

    def predict(self, texts: list[str]) -> list[str]:
        """One label per text, in order; an empty text gets the most frequent label of
        the training data (the model's answer to no evidence)."""
        fallback = self.figures.get("prior_label") or self.labels[0]
        return [t[0][0] if t else fallback for t in self.top(texts, k=1)]

    # --- files -------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """An .npz (zip of NumPy arrays, no pickle), whatever the file's name."""
        import numpy as np

        engine = self.engine
        if not isinstance(engine, LinearTextModel):
            raise ValueError("旧格式模型不能另存，请重新训练。")
        meta = {"format": FORMAT, "labels": self.labels, "sample_count": self.sample_count,
                "trained_at": self.trained_at, "figures": self.figures, "temperature": engine.temperature,
                "dict_total": engine.segmenter.total, "head_chars": HEAD_CHARS, "word_chars": WORD_CHARS,
                "body_chars": BODY_CHARS}
        words = list(engine.segmenter.freq)
        arrays = {"meta": _utf8(json.dumps(meta, ensure_ascii=False)), "coef": engine.coef,
                  "intercept": engine.intercept, "offsets": engine.offsets,
                  "dict_words": _utf8("\n".join(words)),
                  "dict_freq": np.array([engine.segmenter.freq[w] for w in words], dtype=np.int64)}
        for name, _, _, idf, _ in engine.views:
            arrays[f"{name}_terms"] = _utf8("\n".join(engine.vocabularies[name]))
            arrays[f"{name}_idf"] = idf
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as f:
            np.savez_compressed(f, **arrays)
        tmp.replace(path)   # never a half-written model where a good one was

    @classmethod
    def load(cls, path: str | Path) -> "CategoryClassifier":
        import numpy as np

        path = Path(path)
        if not zipfile.is_zipfile(path):
            return cls._load_legacy(path)
        with np.load(path, allow_pickle=False) as z:
            if "meta" not in z.files:
                raise ValueError(f"{path} 不是本系统的分类模型文件。")
            meta = json.loads(_text(z["meta"]))
            if meta.get("format") != FORMAT:
                raise ValueError(f"{path} 不是本系统的分类模型文件。")
            if (meta["head_chars"], meta["word_chars"], meta["body_chars"]) != (HEAD_CHARS, WORD_CHARS, BODY_CHARS):
                raise ValueError(f"{path} 由另一版本的系统训练（文本截取长度不同），请重新训练。")
            words = _split(_text(z["dict_words"]))
            segmenter = WordSegmenter(dict(zip(words, z["dict_freq"].tolist())), int(meta["dict_total"]))
            engine = LinearTextModel(
                vocabularies={name: _split(_text(z[f"{name}_terms"])) for name in LinearTextModel.VIEWS},
                idf={name: z[f"{name}_idf"] for name in LinearTextModel.VIEWS}, coef=z["coef"],
                intercept=z["intercept"], offsets=z["offsets"], temperature=meta["temperature"],
                segmenter=segmenter)
        return cls(engine=engine, labels=list(meta["labels"]), sample_count=int(meta["sample_count"]),
                   trained_at=meta["trained_at"], figures=dict(meta.get("figures") or {}))

    @classmethod
    def _load_legacy(cls, path: Path) -> "CategoryClassifier":
        import joblib

        try:
            blob = joblib.load(path)
        except (FileNotFoundError, IsADirectoryError):
            raise
        except Exception:
            raise ValueError(f"{path} 不是本系统的分类模型文件。") from None
        if not isinstance(blob, dict) or blob.get("format") != 1:
            raise ValueError(f"{path} 不是本系统的分类模型文件。")
        return cls(engine=_LegacyPipeline(blob["pipeline"]), labels=list(blob["labels"]),
                   sample_count=blob["sample_count"], trained_at=blob["trained_at"],
                   figures=dict(blob.get("figures") or {}))


def _utf8(text: str):
    import numpy as np

    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _text(array) -> str:
    return array.tobytes().decode("utf-8")


def _split(text: str) -> list[str]:
    # Terms never hold "\n" (text_clean turns every whitespace run into one space).
    return text.split("\n") if text else []


def macro_f1(truth: list[str], predicted: list[str]) -> tuple[float, dict[str, dict]]:
    """Macro-averaged F1 and per-label precision / recall / F1 / support."""
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(truth) | set(predicted))
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    per = {lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
           for i, lab in enumerate(labels)}
    # As scikit-learn's f1_score(average="macro"): every label seen in truth or prediction.
    return (sum(x["f1"] for x in per.values()) / len(per) if per else 0.0), per
