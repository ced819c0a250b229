"""`xinfang intake …`: train, use and measure the category model.

    xinfang intake train --data CSV --text-column C [--text-column C2] --label-column L --out MODEL
    xinfang intake classify --model MODEL [--top K]      one text per line on stdin → one label per line
    xinfang intake evaluate --model MODEL --data CSV --text-column C [...] --label-column L
    xinfang intake train-cases [--level 1] [--no-activate]   retrain on this deployment's cases
    xinfang intake use-default                             go back to the default model

train, classify and evaluate touch no database (system checks are skipped too), so they run
anywhere the package is installed. `classify` itself is in `_classify.py`, which imports no
Django, so the `xinfang` entry point can run it without starting Django.
"""
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from xinfang.intake.classifier import CategoryClassifier, TrainingDataError, macro_f1
from xinfang.intake.training_data import TrainingFileError, labelled_texts_read

from ._classify import ModelFileError, classify_stream, model_load


class Command(BaseCommand):
    help = "分类模型：train 训练、classify 分类（标准输入每行一条）、evaluate 评估、train-cases 用本系统事项重新训练"
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        train = sub.add_parser("train", help="从 CSV 训练分类模型")
        train.add_argument("--data", required=True, help="CSV 文件（UTF-8，首行为表头；.tsv 以制表符分隔）")
        train.add_argument("--text-column", action="append", required=True, dest="text_columns",
                           help="文本列，可重复；多列以空格连接")
        train.add_argument("--label-column", required=True, help="标签列；标签为空的行跳过")
        train.add_argument("--out", required=True, help="模型文件路径")
        train.add_argument("--heldout", type=float, default=0.0,
                           help="留出比例（0–0.5），报告留出集 macro-F1；模型仍用全部数据训练。默认 0")
        classify = sub.add_parser("classify", help="标准输入每行一条文本，标准输出每行一个标签，顺序不变")
        classify.add_argument("--model", required=True)
        classify.add_argument("--top", type=int, default=0,
                              help="输出前 K 个标签及置信度（制表符分隔），默认只输出一个标签")
        evaluate = sub.add_parser("evaluate", help="在带标签的 CSV 上评估：macro-F1 与各分类指标")
        evaluate.add_argument("--model", required=True)
        evaluate.add_argument("--data", required=True)
        evaluate.add_argument("--text-column", action="append", required=True, dest="text_columns")
        evaluate.add_argument("--label-column", required=True)
        cases = sub.add_parser("train-cases", help="用本系统已分类的事项训练并启用新模型")
        cases.add_argument("--level", type=int, default=1, choices=(1, 2, 3), help="按第几级分类训练，默认 1")
        cases.add_argument("--no-activate", action="store_true", help="只训练和记录，不启用")
        sub.add_parser("use-default", help="停用自训练模型，回到随产品提供的默认模型")

    def handle(self, *args, subcommand: str, **options):
        try:
            getattr(self, "_" + subcommand.replace("-", "_"))(**options)
        except (TrainingFileError, TrainingDataError) as exc:
            raise CommandError(str(exc)) from None

    # --- no database ------------------------------------------------------------------------

    def _train(self, *, data, text_columns, label_column, out, heldout, **_):
        if not 0 <= heldout <= 0.5:
            raise CommandError("--heldout 须在 0 与 0.5 之间。")
        rows = labelled_texts_read(data, text_columns=text_columns, label_column=label_column)
        if not rows.texts:
            raise CommandError(f"{data} 中没有带标签的行（跳过无标签 {rows.skipped} 行）。")
        started = time.perf_counter()
        from xinfang.intake.services import classifier_train_and_measure

        model = classifier_train_and_measure(texts=rows.texts, labels=rows.labels, heldout_share=heldout)
        model.save(out)
        figures = model.figures
        f1 = f"；留出集 {figures['heldout']} 条 macro-F1 {figures['macro_f1']:.4f}" if "macro_f1" in figures else ""
        rare = figures.get("rare_labels")
        if rare:
            f1 += f"；以下分类训练文本不足 3 条，建议可能不准：{'、'.join(rare)}"
        self.stderr.write(f"已训练：{len(rows.texts)} 行（跳过无标签 {rows.skipped} 行），{len(model.labels)} 个分类，"
                          f"用时 {time.perf_counter() - started:.1f} 秒{f1}；模型已写入 {out}")

    def _load(self, path) -> CategoryClassifier:
        try:
            return model_load(path)
        except ModelFileError as exc:
            raise CommandError(str(exc)) from None

    def _classify(self, *, model, top, **_):
        classify_stream(self._load(model), sys.stdin, self.stdout.write, top=top)
        self.stdout.flush()

    def _evaluate(self, *, model, data, text_columns, label_column, **_):
        classifier = self._load(model)
        rows = labelled_texts_read(data, text_columns=text_columns, label_column=label_column)
        if not rows.texts:
            raise CommandError(f"{data} 中没有带标签的行。")
        started = time.perf_counter()
        predicted = classifier.predict(rows.texts)
        per_text_ms = (time.perf_counter() - started) * 1000 / len(rows.texts)
        f1, per = macro_f1(rows.labels, predicted)
        accuracy = sum(a == b for a, b in zip(rows.labels, predicted)) / len(rows.labels)
        self.stdout.write(f"样本 {len(rows.texts)} 条；macro-F1 {f1:.4f}；准确率 {accuracy:.4f}；"
                          f"平均每条 {per_text_ms:.2f} ms（批量）")
        self.stdout.write(f"{'分类':<12}\t精确率\t召回率\tF1\t样本数")
        for label, m in per.items():
            self.stdout.write(f"{label:<12}\t{m['precision']:.3f}\t{m['recall']:.3f}\t{m['f1']:.3f}\t{m['support']}")

    # --- database -------------------------------------------------------------------------------

    def _train_cases(self, *, level, no_activate, **_):
        from xinfang.core.errors import XinfangError
        from xinfang.intake.services import classifier_train_from_cases

        try:
            row = classifier_train_from_cases(actor=None, level=level, activate=not no_activate)
        except XinfangError as exc:
            raise CommandError(exc.message) from None
        f1 = f"，留出集 macro-F1 {row.heldout_macro_f1:.4f}（{row.heldout_count} 条）" \
            if row.heldout_macro_f1 is not None else ""
        state = "已启用" if row.is_active else "未启用（在管理后台“分类模型”中启用）"
        self.stdout.write(f"已用 {row.sample_count} 条样本训练分类模型{f1}；{state}。文件：{row.path}")

    def _use_default(self, **_):
        from xinfang.intake.services import intake_model_activate

        intake_model_activate(actor=None, model=None)
        self.stdout.write("已改用随产品提供的默认分类模型。")
