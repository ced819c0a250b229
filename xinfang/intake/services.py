"""Writes for intake: training a category model on the deployment's own cases, choosing the
model in use, and the demo's routing table."""
from __future__ import annotations

import random
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.core.errors import ValidationFailed
from xinfang.core.models import Case, Category
from xinfang.orgs.models import Unit

from .classifier import CategoryClassifier, TrainingDataError, macro_f1
from .models import IntakeModel, ModelSource, RouteAction, RoutingRule
from .selectors import category_path_name, classifier_cache_clear

MODELS_SUBDIR = "intake_models"
HELDOUT_SHARE = 0.2
MIN_CASES = 50          # below this a held-out figure says nothing and the default model is better


def _actor_kind(actor) -> str:
    return "staff" if getattr(actor, "pk", None) else "system"   # a command run by the operator


def _stratified_split(labels: list[str], *, share: float, seed: int) -> tuple[list[int], list[int]]:
    """Indices of a train / held-out split keeping each label's share (every label with at
    least 5 samples gives one to the held-out part)."""
    rng = random.Random(seed)
    by_label: dict[str, list[int]] = {}
    for i, y in enumerate(labels):
        by_label.setdefault(y, []).append(i)
    train, held = [], []
    for idx in by_label.values():
        rng.shuffle(idx)
        n = int(round(len(idx) * share)) if len(idx) >= 5 else 0
        held += idx[:n]
        train += idx[n:]
    return sorted(train), sorted(held)


def classifier_train_and_measure(*, texts: list[str], labels: list[str], heldout_share: float = HELDOUT_SHARE,
                                 seed: int = 20250106) -> CategoryClassifier:
    """Measure macro-F1 on a stratified held-out share, then fit the model kept on all rows."""
    figures = {}
    if heldout_share > 0:
        train, held = _stratified_split(labels, share=heldout_share, seed=seed)
        if held:
            probe = CategoryClassifier.fit([texts[i] for i in train], [labels[i] for i in train])
            f1, _ = macro_f1([labels[i] for i in held], probe.predict([texts[i] for i in held]))
            figures = {"macro_f1": round(f1, 4), "heldout": len(held)}
    model = CategoryClassifier.fit(texts, labels)
    model.figures.update(figures)
    return model


def _case_label(category: Category, level: int) -> str:
    return category_path_name(category, level=level)


def classifier_train_from_cases(*, actor, level: int = 1, activate: bool = True, kinds: tuple[str, ...] = ("petition",),
                                min_cases: int = MIN_CASES, note: str = "") -> IntakeModel:
    """Train a category model on the deployment's own cases: the title and content of every
    case with a category, labelled with its category cut to `level` (1 = 一级分类, as the
    default model). Measures macro-F1 on a held-out fifth, saves the model under DATA_DIR,
    records it, and (by default) makes it the one the registration page uses.

    Training takes seconds to a minute; it runs outside any transaction and only the
    record is written in one."""
    if level not in (1, 2, 3):
        raise ValidationFailed("分类层级须为 1、2 或 3。", field="level")
    rows = (Case.objects.filter(kind__in=kinds, category__isnull=False)
            .select_related("category__parent__parent").only("title", "content", "category"))
    texts, labels = [], []
    for case in rows.iterator(chunk_size=2000):
        texts.append(f"{case.title} {case.content}")
        labels.append(_case_label(case.category, level))
    if len(texts) < min_cases:
        raise ValidationFailed(f"已分类的事项只有 {len(texts)} 件，至少需要 {min_cases} 件才能训练；"
                               "在此之前继续使用默认模型。", field="cases")
    try:
        model = classifier_train_and_measure(texts=texts, labels=labels)
    except TrainingDataError as exc:
        raise ValidationFailed(str(exc), field="cases") from exc
    return intake_model_record(actor=actor, model=model, source=ModelSource.CASES, activate=activate,
                               note=note or f"按第 {level} 级分类训练")


def intake_model_record(*, actor, model: CategoryClassifier, source: str, activate: bool,
                        note: str = "") -> IntakeModel:
    """Save a trained model's file under DATA_DIR/intake_models/ and its row (one transaction
    for the row and, when asked, the switch to it)."""
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
    relative = Path(MODELS_SUBDIR) / f"category-{stamp}.joblib"
    model.save(Path(settings.DATA_DIR) / relative)
    with transaction.atomic():
        row = IntakeModel.objects.create(
            path=str(relative), source=source, trained_at=timezone.now(), sample_count=model.sample_count,
            heldout_count=int(model.figures.get("heldout") or 0), heldout_macro_f1=model.figures.get("macro_f1"),
            labels=list(model.labels), created_by=actor if getattr(actor, "pk", None) else None, note=note[:200])
        audit_record(actor=actor, action="intake.model.train", object_type="intakemodel", object_id=row.pk,
                     detail={"source": source, "samples": row.sample_count, "macro_f1": row.heldout_macro_f1},
                     actor_kind=_actor_kind(actor))
        if activate:
            intake_model_activate(actor=actor, model=row)
    return row


def intake_model_activate(*, actor, model: IntakeModel | None) -> None:
    """Make `model` the one in use (None: back to the default model shipped with the product)."""
    with transaction.atomic():
        before = list(IntakeModel.objects.select_for_update().filter(is_active=True).values_list("pk", flat=True))
        IntakeModel.objects.filter(is_active=True).update(is_active=False)
        if model is not None:
            IntakeModel.objects.filter(pk=model.pk).update(is_active=True)
            model.is_active = True
        audit_record(actor=actor, action="intake.model.activate", object_type="intakemodel",
                     object_id=model.pk if model else 0, detail={"old": before, "new": model.pk if model else None},
                     actor_kind=_actor_kind(actor))
    classifier_cache_clear()


# --- the demo's routing table ---------------------------------------------------------------

# (category path, place unit short_code or None, responsible unit short_code, action, reason)
_DEMO_RULES = [
    ("城乡建设", None, "SFQZJJ", RouteAction.ASSIGN, "住房城乡建设事项由区住建局主管（谁主管、谁负责）"),
    ("劳动和社会保障", None, "SFQRSJ", RouteAction.ASSIGN, "劳动保障事项由区人社局主管"),
    ("教育文体", None, "SFQJYJ", RouteAction.ASSIGN, "教育文体事项由区教育局主管"),
    ("商贸旅游", None, "SFQSCJGJ", RouteAction.ASSIGN, "市场、价格、消费事项由区市场监管局主管"),
    ("环境保护", None, "SFQCGJ", RouteAction.ASSIGN, "市容环境事项由区城管局主管"),
    ("卫生计生", None, "SFQWJW", RouteAction.ASSIGN, "卫生健康事项由区卫健委主管"),
    ("交通运输", None, "SFQJTYSJ", RouteAction.ASSIGN, "交通运输事项由区交通运输局主管"),
    ("国土资源", None, "SFQZRZYJ", RouteAction.ASSIGN, "土地、规划事项由区自然资源局主管"),
    ("政法/诉讼", None, "SFSZY", RouteAction.TRANSFER,
     "涉诉事项依法转政法机关（诉访分离，《信访工作条例》第二十二条、第三十一条）"),
    ("政法/社会治安", None, "SFSGAJ", RouteAction.TRANSFER, "治安事项转公安机关"),
    ("城乡建设/住房保障与房地产", "DSJD", "DSJD", RouteAction.ASSIGN,
     "东山街道老旧小区物业纠纷由街道物业办先行调处（《物业管理条例》第二十条）"),
    ("城乡建设/城市建设和市政管理", "DSJD", "DSJD", RouteAction.ASSIGN, "街道负责辖区市政设施巡查与小修"),
    ("环境保护/环境污染", "XHJD", "XHJD", RouteAction.ASSIGN, "西湖景区周边噪声、油烟由街道综合执法队先行处置"),
    ("劳动和社会保障/工资福利", "NGJD", "NGJD", RouteAction.ASSIGN, "港区企业欠薪由街道劳动保障所先行调处"),
]


def _category_by_path(path: str) -> Category | None:
    parent, node = None, None
    for name in path.split("/"):
        node = Category.objects.filter(parent=parent, name=name).first()
        if node is None:
            return None
        parent = node
    return node


def routing_rules_demo_seed() -> int:
    """The demo's routing table: one rule per first-level category to its department, the
    litigation and public-order ones transferred, and a few street rules that show a more
    specific rule winning. Rules whose category or unit is missing are skipped; existing
    ones are kept. Returns how many were created."""
    units = {u.short_code: u for u in Unit.objects.all()}
    created = 0
    with transaction.atomic():
        for cat_path, place_code, unit_code, action, reason in _DEMO_RULES:
            category = _category_by_path(cat_path)
            unit = units.get(unit_code)
            place = units.get(place_code) if place_code else None
            if category is None or unit is None or (place_code and place is None):
                continue
            _, made = RoutingRule.objects.get_or_create(category=category, place_unit=place, responsible_unit=unit,
                                                        defaults={"action": action, "reason": reason})
            created += made
    return created
