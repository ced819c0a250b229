"""Labelled texts from a CSV file, for `xinfang intake train / evaluate` and bench/classify.py.
No Django: the commands that use it never touch the database."""
from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path


class TrainingFileError(ValueError):
    """A training or evaluation file that cannot be read as asked; the message says why."""


@dataclass
class LabelledTexts:
    texts: list[str]          # the text columns joined, one per row
    labels: list[str]
    first_column: list[str]   # the first text column alone (a title, when there are several)
    skipped: int              # rows without a label


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    if not path.is_file():
        raise TrainingFileError(f"找不到文件：{path}")
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:   # pragma: no cover - gb18030 decodes any byte string
        raise TrainingFileError(f"{path} 不是 UTF-8 或 GB18030 编码的文本文件。")
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise TrainingFileError(f"{path} 是空文件，没有表头。")
    return [h.strip() for h in header], list(reader)


def labelled_texts_read(path: str | Path, *, text_columns: list[str], label_column: str | None) -> LabelledTexts:
    """Read rows, join the text columns with a space, skip rows with an empty label (when a
    label column is named). A missing column is an error naming it and the columns there are."""
    header, rows = _rows(Path(path))
    wanted = list(text_columns) + ([label_column] if label_column else [])
    missing = [c for c in wanted if c not in header]
    if missing:
        raise TrainingFileError(f"{path} 中没有列：{'、'.join(missing)}（现有列：{'、'.join(header)}）")
    text_idx = [header.index(c) for c in text_columns]
    label_idx = header.index(label_column) if label_column else None
    texts, labels, firsts, skipped = [], [], [], 0
    for row in rows:
        cells = [row[i].strip() if i < len(row) else "" for i in text_idx]
        label = (row[label_idx].strip() if label_idx is not None and label_idx < len(row) else "")
        if label_column and not label:
            skipped += 1
            continue
        texts.append(" ".join(c for c in cells if c))
        firsts.append(cells[0] if cells else "")
        labels.append(label)
    return LabelledTexts(texts=texts, labels=labels, first_column=firsts, skipped=skipped)
