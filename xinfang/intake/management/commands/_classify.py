"""`xinfang intake classify` without Django: one text per line on stdin, one label per line
on stdout. The `xinfang` entry point calls `classify_main` directly (Django's start-up would
be most of the wait: a model loads in a fraction of a second); the management command
`intake classify` uses the same functions."""
import argparse
import io
import sys

from xinfang.intake.classifier import CategoryClassifier

BATCH = 2000


class ModelFileError(Exception):
    """A --model path that is not a model file; the message says why, in Chinese."""


def model_load(path) -> CategoryClassifier:
    try:
        return CategoryClassifier.load(path)
    except FileNotFoundError:
        raise ModelFileError(f"找不到模型文件：{path}") from None
    except IsADirectoryError:
        raise ModelFileError(f"模型路径是目录而不是文件：{path}") from None
    except Exception as exc:   # a file that is not a model: say so, not a traceback
        raise ModelFileError(f"无法读取模型文件 {path}：{exc}") from None


def classify_stream(classifier: CategoryClassifier, stdin, write, *, top: int = 0) -> None:
    """One text per line in, one line out per text, in order (a blank line still gets the
    model's answer to no evidence). With top > 0: label<TAB>p pairs, best first."""
    wrapped = hasattr(stdin, "buffer")
    stream = io.TextIOWrapper(stdin.buffer, encoding="utf-8-sig", errors="replace", newline=None) if wrapped else stdin
    batch: list[str] = []

    def flush():
        if top > 0:
            empty = classifier.predict([""])[0]
            for row in classifier.top(batch, k=top):
                write("\t".join(f"{label}\t{p:.3f}" for label, p in row) if row else empty)
        else:
            for label in classifier.predict(batch):
                write(label)
        batch.clear()

    for line in stream:
        batch.append(line.rstrip("\r\n"))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    if wrapped:
        stream.detach()   # leave the caller's stdin open


def classify_main(argv: list[str]) -> int:
    """`xinfang intake classify --model MODEL [--top K]` without Django."""
    parser = argparse.ArgumentParser(prog="xinfang intake classify",
                                     description="标准输入每行一条文本，标准输出每行一个标签，顺序不变")
    parser.add_argument("--model", required=True)
    parser.add_argument("--top", type=int, default=0, help="输出前 K 个标签及置信度（制表符分隔），默认只输出一个标签")
    args = parser.parse_args(argv)
    try:
        classifier = model_load(args.model)
    except ModelFileError as exc:
        sys.stderr.write(f"CommandError: {exc}\n")
        return 1
    out = sys.stdout.buffer   # UTF-8 and "\n" whatever the locale
    classify_stream(classifier, sys.stdin, lambda line: out.write(line.encode("utf-8") + b"\n"), top=args.top)
    out.flush()
    return 0
