"""`xinfang intake train / classify / evaluate` end to end, through the real `xinfang`
command in a subprocess, with no database reachable (they must not need one)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .corpus import corpus_write

ROOT = Path(__file__).resolve().parents[3]
XINFANG = [sys.executable, "-m", "xinfang.cli"]


def run(args, *, stdin: str = "", tmp_path: Path):
    env = dict(os.environ)
    # No database: a port nothing listens on. The commands must not try to connect.
    env.update({"DATABASE_URL": "postgres://nobody@127.0.0.1:9/none", "XINFANG_DATA_DIR": str(tmp_path / "data"),
                "PYTHONIOENCODING": "utf-8"})
    return subprocess.run([*XINFANG, "intake", *args], input=stdin.encode("utf-8"), capture_output=True,
                          cwd=ROOT, env=env, timeout=300)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("intake-cmd")
    data = tmp / "train.csv"
    corpus_write(data, label_blank_every=10)
    model = tmp / "model.joblib"
    result = run(["train", "--data", str(data), "--text-column", "标题", "--text-column", "内容",
                  "--label-column", "类别", "--out", str(model)], tmp_path=tmp)
    return tmp, data, model, result


def test_train_writes_a_model_and_says_what_it_used(trained):
    tmp, data, model, result = trained
    assert result.returncode == 0, result.stderr.decode()
    assert model.is_file()
    message = result.stderr.decode()
    assert "3 个分类" in message and "跳过无标签 5 行" in message


def test_classify_reads_stdin_and_keeps_order_one_label_per_line(trained):
    tmp, data, model, _ = trained
    lines = ["小区物业乱收停车费，电梯坏了没人修", "", "学校老师违规组织学生补课收费", "医院挂号难，医生态度差，药费太高",
             "物业维修基金使用不公开"]
    result = run(["classify", "--model", str(model)], stdin="\n".join(lines) + "\n", tmp_path=tmp)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode().splitlines()
    assert len(out) == len(lines)               # a blank line still gets its label
    assert out[0] == "城乡建设" and out[2] == "教育文体" and out[3] == "卫生计生" and out[4] == "城乡建设"
    assert out[1] in {"城乡建设", "教育文体", "卫生计生"}


def test_classify_top_k_gives_labels_with_confidence(trained):
    tmp, _, model, _ = trained
    result = run(["classify", "--model", str(model), "--top", "3"], stdin="学校补课乱收费\n", tmp_path=tmp)
    cells = result.stdout.decode().strip().split("\t")
    assert cells[0] == "教育文体" and len(cells) == 6
    confidences = [float(x) for x in cells[1::2]]
    assert confidences == sorted(confidences, reverse=True) and 0 < sum(confidences) <= 1.001


def test_evaluate_prints_macro_f1_and_per_class(trained):
    tmp, data, model, _ = trained
    result = run(["evaluate", "--model", str(model), "--data", str(data), "--text-column", "标题",
                  "--text-column", "内容", "--label-column", "类别"], tmp_path=tmp)
    out = result.stdout.decode()
    assert result.returncode == 0 and "macro-F1" in out and "卫生计生" in out and "样本 37 条" in out


def test_a_missing_column_is_a_clear_error_and_writes_no_model(trained):
    tmp, data, _, _ = trained
    out = tmp / "never.joblib"
    result = run(["train", "--data", str(data), "--text-column", "留言主题", "--label-column", "类别",
                  "--out", str(out)], tmp_path=tmp)
    assert result.returncode != 0
    err = result.stderr.decode()
    assert "没有列：留言主题" in err and "现有列：标题、内容、类别" in err and "Traceback" not in err
    assert not out.exists()


def test_a_missing_file_or_model_is_a_clear_error(trained):
    tmp, _, _, _ = trained
    result = run(["train", "--data", str(tmp / "nope.csv"), "--text-column", "a", "--label-column", "b",
                  "--out", str(tmp / "m.joblib")], tmp_path=tmp)
    assert result.returncode != 0 and "找不到文件" in result.stderr.decode()
    result = run(["classify", "--model", str(tmp / "nope.joblib")], stdin="x\n", tmp_path=tmp)
    assert result.returncode != 0 and "找不到模型文件" in result.stderr.decode()
    assert not (tmp / "m.joblib").exists()


def test_a_single_label_cannot_train(tmp_path):
    data = tmp_path / "one.csv"
    data.write_text("t,l\n" + "".join(f"物业问题{i},城乡建设\n" for i in range(10)), encoding="utf-8")
    result = run(["train", "--data", str(data), "--text-column", "t", "--label-column", "l",
                  "--out", str(tmp_path / "m.joblib")], tmp_path=tmp_path)
    assert result.returncode != 0 and "至少需要两个不同的分类标签" in result.stderr.decode()
    assert not (tmp_path / "m.joblib").exists()


def test_train_names_the_labels_with_too_few_texts(tmp_path):
    data = tmp_path / "train.csv"
    corpus_write(data, label_blank_every=10)
    with open(data, "a", encoding="utf-8") as fh:
        fh.write("\n井盖丢失,路口井盖丢失多日无人管,市政设施\n")
    model = tmp_path / "model.joblib"
    result = run(["train", "--data", str(data), "--text-column", "标题", "--text-column", "内容",
                  "--label-column", "类别", "--out", str(model)], tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert "4 个分类" in result.stderr.decode() and "训练文本不足 3 条，建议可能不准：市政设施" in result.stderr.decode()
