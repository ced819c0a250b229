"""`xinfang intake train` → `classify` as the evaluators run them (a subprocess, no database
reachable), the Django-free classify entry, and the bad inputs each says clearly."""
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xinfang.intake.management.commands import _classify

from .corpus import corpus_write

ROOT = Path(__file__).resolve().parents[3]
LINES = ["小区物业乱收停车费，电梯坏了没人修", "", "学校老师违规组织学生补课收费", "医院挂号难，医生态度差，药费太高"]


def run(args, *, stdin: bytes = b"", tmp_path: Path):
    env = dict(os.environ, DATABASE_URL="postgres://nobody@127.0.0.1:9/none", PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "xinfang.cli", "intake", *args], input=stdin, capture_output=True,
                          cwd=ROOT, env=env, timeout=300)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("clf-cmd")
    data = tmp / "train.csv"
    corpus_write(data)
    model = tmp / "model.bin"   # any name: the file says what it is
    result = run(["train", "--data", str(data), "--text-column", "标题", "--text-column", "内容",
                  "--label-column", "类别", "--out", str(model)], tmp_path=tmp)
    assert result.returncode == 0, result.stderr.decode()
    return tmp, model


def classify_in_process(monkeypatch, argv, stdin: bytes) -> tuple[int, str, str]:
    out, err = io.BytesIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(out, encoding="utf-8"))
    monkeypatch.setattr(sys, "stderr", err)
    code = _classify.classify_main(argv)
    sys.stdout.flush()
    return code, out.getvalue().decode("utf-8"), err.getvalue()


def test_train_then_classify_round_trip_one_label_per_line(trained, monkeypatch):
    tmp, model = trained
    stdin = ("\ufeff" + "\r\n".join(LINES) + "\r\n").encode("utf-8")   # a BOM and CRLF, as Windows writes
    result = run(["classify", "--model", str(model)], stdin=stdin, tmp_path=tmp)
    assert result.returncode == 0, result.stderr.decode()
    labels = result.stdout.decode("utf-8").split("\n")
    assert labels[-1] == "" and len(labels) == len(LINES) + 1
    assert labels[0] == "城乡建设" and labels[2] == "教育文体" and labels[3] == "卫生计生"
    # The Django-free entry answers the same, line for line.
    code, out, _ = classify_in_process(monkeypatch, ["--model", str(model)], stdin)
    assert code == 0 and out.split("\n") == labels


def test_classify_top_k_in_process(trained, monkeypatch):
    _, model = trained
    code, out, _ = classify_in_process(monkeypatch, ["--model", str(model), "--top", "2"], "学校补课乱收费\n".encode())
    cells = out.strip().split("\t")
    assert code == 0 and cells[0] == "教育文体" and len(cells) == 4 and float(cells[1]) >= float(cells[3])


def test_a_titles_only_file_trains_with_one_text_column(tmp_path):
    data = tmp_path / "titles.tsv"
    rows = ["标题\t类别"] + [f"{w}问题{i}\t{label}" for i in range(5) for w, label in
                            (("物业电梯", "城乡建设"), ("学校补课", "教育文体"), ("医院挂号", "卫生计生"))]
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    model = tmp_path / "t.npz"
    result = run(["train", "--data", str(data), "--text-column", "标题", "--label-column", "类别", "--out", str(model)],
                 tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    result = run(["classify", "--model", str(model)], stdin="学校补课\n医院挂号\n".encode(), tmp_path=tmp_path)
    assert result.stdout.decode().split() == ["教育文体", "卫生计生"]


def test_an_empty_or_header_only_file_is_a_clear_error(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header = tmp_path / "header.csv"
    header.write_text("标题,类别\n", encoding="utf-8")
    for data, message in ((empty, "是空文件"), (header, "没有带标签的行")):
        result = run(["train", "--data", str(data), "--text-column", "标题", "--label-column", "类别",
                      "--out", str(tmp_path / "m.npz")], tmp_path=tmp_path)
        err = result.stderr.decode()
        assert result.returncode != 0 and message in err and "Traceback" not in err
    assert not (tmp_path / "m.npz").exists()


def test_a_model_path_that_is_missing_a_folder_or_not_a_model_is_a_clear_error(tmp_path, monkeypatch):
    text = tmp_path / "notes.txt"
    text.write_text("不是模型", encoding="utf-8")
    cases = ((tmp_path / "nope.joblib", "找不到模型文件"), (tmp_path, "是目录而不是文件"), (text, "不是本系统的分类模型文件"))
    for path, message in cases:
        code, out, err = classify_in_process(monkeypatch, ["--model", str(path)], b"x\n")
        assert code == 1 and message in err and out == ""
    result = run(["classify", "--model", str(text)], stdin=b"x\n", tmp_path=tmp_path)
    err = result.stderr.decode()
    assert result.returncode != 0 and "不是本系统的分类模型文件" in err and "Traceback" not in err
