"""Circulars (通报): a supervising unit's notice, for a period and an area, naming the units
whose matters ran past their statutory time limits (信访工作条例 Art 34: the 60-day handling
period and its extension) and the cases under 督办 past their date, with each unit's on-time
figure, and asking for rectification (督查督办 and 通报, 信访工作条例 第五章 监督和追责).

Matter-centred: cases by number, title and owner unit; never a petitioner's name.

Lateness is read from the stored clocks, so a circular for a past period says what was late
in that period, not what is late today:
- a case is late in the period when one of its duties to act (LATE_CLOCKS; a clock restarted
  by an objection, `replaced`, neither met nor missed its date) passed its due date before the period's end and was not stopped by that date,
  and was still running on the period's first day or later (stopped late inside the period
  counts: 超期办结). Days late: from the due date to the day it stopped, or the period's end;
- a 督办 is past its date when its date passed before the period's end and it was not lifted
  by then (lifted late inside the period counts likewise).

Numbered per issuing unit and year from the same gapless counter as case numbers; the text
is frozen when issued and rendered to .docx / PDF by documents.render (GB/T 9704 layout) on
first download.
"""
import dataclasses
import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.core import clock
from xinfang.core.errors import Forbidden, NotFound, ValidationFailed
from xinfang.core.models import Deadline
from xinfang.core.services import case_number_next
from xinfang.documents.content import DocumentContent, date_cn
from xinfang.documents.render import TYPE_BY_FORMAT, docx_render, pdf_render
from xinfang.documents.services import document_red_head, document_unit_abbreviations
from xinfang.orgs.models import Unit, User
from xinfang.orgs.selectors import unit_subtree_ids
from xinfang.stats.indicators import INDICATORS, Scope, indicator_compute
from xinfang.stats.selectors import stats_area_for

from .models import Circular, Supervision
from .services import SUPERVISOR_ROLES

NUMBER_KIND = "circular"      # NumberSequence.kind
NUMBER_CODE = "督通"           # 发文字号's kind part: 机关代字 + 督通 + 〔year〕 + n 号
PERIOD_MAX_DAYS = 366
# The clocks whose lapse is late work: the acceptance notice (Arts 22–23), handling (Art 34),
# 复查 and 复核 answers (Arts 35–36). Not the 异议期, a window the unit may let lapse.
LATE_CLOCKS = ("acceptance_notice", "handling", "review_answer", "rereview_answer")
FORMATS = ("docx", "pdf")


# --- who may issue, and where -------------------------------------------------------------

def circular_area_check(*, user: User, area: Unit) -> None:
    """The area must lie within the user's statistical area (stats.selectors.stats_area_for:
    a 信访局 reads its whole district); otherwise it is 'not found', as for statistics."""
    top = stats_area_for(user=user)
    if top is not None and not area.is_within(top):
        raise NotFound("单位不存在，或不在您可查看的范围内。")


def circular_areas_for(*, user: User) -> QuerySet[Unit]:
    """The units a user may issue a circular on (an area and its subtree)."""
    top = stats_area_for(user=user)
    qs = Unit.objects.filter(is_active=True)
    if top is not None:
        qs = qs.filter(path__startswith=top.path)
    return qs.order_by("path")


# --- the content ----------------------------------------------------------------------------

def _late_days(due: dt.date, stopped: dt.date | None, end: dt.date) -> tuple[int, bool]:
    """(days late, still late at the period's end)."""
    if stopped is None or stopped > end:
        return (end - due).days, True
    return (stopped - due).days, False


def circular_late_cases(*, area: Unit, start: dt.date, end: dt.date) -> list[dict]:
    """Cases owned in the area that were past an organ's time limit in the period, the latest
    first; one row per case (its worst clock)."""
    clocks = (Deadline.objects
              .filter(key__in=LATE_CLOCKS, replaced=False, due_date__lt=end,
                      case__owner_unit__in=unit_subtree_ids(unit=area))
              .filter(Q(stopped_on__isnull=True) | Q(stopped_on__gt=F("due_date")))
              .filter(Q(stopped_on__isnull=True) | Q(stopped_on__gte=start))
              # a clock standing still (中止) since before its date was not running late
              .exclude(paused_since__lte=F("due_date"))
              .select_related("case", "case__owner_unit"))
    rows: dict[int, dict] = {}
    for clock_row in clocks:
        days, open_at_end = _late_days(clock_row.due_date, clock_row.stopped_on, end)
        row = rows.get(clock_row.case_id)
        if row is not None and row["days"] >= days:
            continue
        case = clock_row.case
        rows[case.pk] = {
            "number": case.number, "title": case.title, "unit_id": case.owner_unit_id,
            "unit": case.owner_unit.name if case.owner_unit_id else "", "deadline": clock_row.label,
            "due_date": clock_row.due_date.isoformat(), "days": days,
            "state": "超期未办结" if open_at_end else "超期办结",
        }
    return sorted(rows.values(), key=lambda r: (-r["days"], r["number"]))


def circular_late_units(*, late_cases: list[dict], area: Unit) -> list[dict]:
    """Per owner unit: how many late cases, and the longest lateness; most late first."""
    paths = dict(Unit.objects.filter(path__startswith=area.path).values_list("pk", "path"))
    units: dict[int, dict] = {}
    for row in late_cases:
        unit = units.setdefault(row["unit_id"], {"unit_id": row["unit_id"], "unit": row["unit"], "count": 0,
                                                 "open": 0, "oldest_days": 0})
        unit["count"] += 1
        unit["open"] += row["state"] == "超期未办结"
        unit["oldest_days"] = max(unit["oldest_days"], row["days"])
    return sorted(units.values(), key=lambda u: (-u["count"], -u["oldest_days"], paths.get(u["unit_id"], "")))


def circular_late_supervisions(*, area: Unit, start: dt.date, end: dt.date) -> list[dict]:
    """督办 of cases owned in the area that were past their date in the period."""
    start_at = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    candidates = (Supervision.objects
                  .filter(due_date__lt=end, case__owner_unit__in=unit_subtree_ids(unit=area))
                  .filter(Q(lifted_at__isnull=True) | Q(lifted_at__gte=start_at))
                  .select_related("case", "case__owner_unit", "supervising_unit"))
    out = []
    for s in candidates:
        lifted = timezone.localdate(s.lifted_at) if s.lifted_at else None
        if lifted is not None and lifted <= s.due_date:
            continue
        days, open_at_end = _late_days(s.due_date, lifted, end)
        out.append({
            "number": s.case.number, "title": s.case.title, "unit_id": s.case.owner_unit_id,
            "unit": s.case.owner_unit.name if s.case.owner_unit_id else "", "level": s.get_level_display(),
            "supervising_unit": s.supervising_unit.name, "due_date": s.due_date.isoformat(), "days": days,
            "state": "逾期未解除" if open_at_end else "逾期后解除",
        })
    return sorted(out, key=lambda r: (-r["days"], r["number"]))


def circular_on_time(*, area: Unit, start: dt.date, end: dt.date) -> list[dict]:
    """按期办结率 (stats.indicators, read as defined there) for the area and each unit
    directly under it, each over its subtree."""
    units = [area, *Unit.objects.filter(parent=area, is_active=True).order_by("path")]
    out = []
    for unit in units:
        figure = indicator_compute(key="on_time_rate", scope=Scope(start=start, end=end, unit=unit), last_year=False)
        out.append({"unit_id": unit.pk, "unit": unit.name, "is_area": unit.pk == area.pk,
                    "value": None if figure.value is None else str(figure.value),
                    "numerator": figure.numerator, "denominator": figure.denominator})
    return out


def circular_period_check(*, start: dt.date | None, end: dt.date | None, today: dt.date) -> None:
    if start is None:
        raise ValidationFailed("请填写通报期间的开始日期（格式：2026-01-01）。", field="start")
    if end is None:
        raise ValidationFailed("请填写通报期间的结束日期（格式：2026-01-31）。", field="end")
    if end < start:
        raise ValidationFailed("通报期间的结束日期早于开始日期。", field="end")
    if end > today:
        raise ValidationFailed("通报期间的结束日期不能晚于今天。", field="end")
    if (end - start).days >= PERIOD_MAX_DAYS:
        raise ValidationFailed("通报期间不能超过一年。", field="start")


def circular_content_compose(*, area: Unit, start: dt.date, end: dt.date) -> dict:
    """The facts a circular reports (the selector the issuing service freezes)."""
    late_cases = circular_late_cases(area=area, start=start, end=end)
    return {
        "area": area.name, "start": start.isoformat(), "end": end.isoformat(),
        "late_units": circular_late_units(late_cases=late_cases, area=area),
        "late_cases": late_cases,
        "supervisions": circular_late_supervisions(area=area, start=start, end=end),
        "on_time": circular_on_time(area=area, start=start, end=end),
        "on_time_definition": INDICATORS["on_time_rate"].definition,
    }


def _period_cn(start: dt.date, end: dt.date) -> str:
    return f"{date_cn(start)}至{date_cn(end)}"


def circular_title(*, area: Unit, start: dt.date, end: dt.date) -> str:
    return f"关于{area.name}{_period_cn(start, end)}信访事项超期办理情况的通报"


def circular_number_format(*, unit: Unit, year: int, seq: int) -> str:
    """发文字号 (GB/T 9704 §7.2.4): 机关代字〔年份〕序号号, as documents.content formats it."""
    return f"{document_unit_abbreviations().get(unit.short_code) or unit.name}{NUMBER_CODE}〔{year}〕{seq}号"


def circular_paragraphs(*, facts: dict, issuer: str) -> list[str]:
    """正文: the facts as numbered paragraphs; 结构层次序数 一、 then 1. (GB/T 9704 §7.3.3)."""
    start, end = dt.date.fromisoformat(facts["start"]), dt.date.fromisoformat(facts["end"])
    units, cases, sups = facts["late_units"], facts["late_cases"], facts["supervisions"]
    out = [f"根据《信访工作条例》有关规定，现将{facts['area']}{_period_cn(start, end)}信访事项超期办理情况通报如下。"]
    out.append("一、超期办理单位")
    if units:
        out.append(f"期间内共有{len(units)}个单位的{len(cases)}件信访事项超过办理期限。")
        for i, u in enumerate(units, 1):
            still = f"（其中期末仍未办结{u['open']}件）" if u["open"] else ""
            out.append(f"{i}.{u['unit']}：超期事项{u['count']}件{still}，最长超期{u['oldest_days']}天。")
    else:
        out.append("期间内没有超过办理期限的信访事项。")
    out.append("二、超期事项")
    if cases:
        for i, c in enumerate(cases, 1):
            due = date_cn(dt.date.fromisoformat(c["due_date"]))
            out.append(f"{i}.{c['number']}“{c['title']}”，责任单位{c['unit']}，{c['deadline']}至{due}，"
                       f"超期{c['days']}天，{c['state']}。")
    else:
        out.append("无。")
    out.append("三、督办事项逾期情况")
    if sups:
        for i, s in enumerate(sups, 1):
            due = date_cn(dt.date.fromisoformat(s["due_date"]))
            out.append(f"{i}.{s['number']}“{s['title']}”，责任单位{s['unit']}，{s['supervising_unit']}"
                       f"{s['level']}，督办时限{due}，逾期{s['days']}天，{s['state']}。")
    else:
        out.append("无。")
    out.append("四、按期办结情况")
    for row in facts["on_time"]:
        name = f"{row['unit']}（合计）" if row["is_area"] else row["unit"]
        if row["denominator"]:
            out.append(f"{name}：按期办结率{row['value']}%（期间内到期{row['denominator']}件，"
                       f"按期办结{row['numerator']}件）。")
        else:
            out.append(f"{name}：期间内没有到期事项。")
    out.append(f"注：{facts['on_time_definition']}")
    out.append("五、工作要求")
    out.append(f"请以上超期单位对超期事项逐件查明原因，落实责任，限期办结，并于收到本通报之日起十个工作日内"
               f"将整改情况书面报送{issuer}。")
    out.append("特此通报。")
    return out


# --- drafting and issuing ---------------------------------------------------------------------

DRAFT_NUMBER = "（发布时编号）"


def _issue_check(*, actor: User, area: Unit | None, start: dt.date | None, end: dt.date | None) -> None:
    """Who may issue on what, for which period (the same checks for a draft and an issue)."""
    if not actor.has_role(*SUPERVISOR_ROLES):
        raise Forbidden("只有督查人员或领导可以发布通报。")
    if actor.unit is None:
        raise Forbidden("您没有所属单位，无法发布通报。")
    circular_period_check(start=start, end=end, today=clock.today())
    if area is None:
        raise ValidationFailed("请选择通报范围（单位）。", field="area")
    circular_area_check(user=actor, area=area)


def _document(*, actor: User, area: Unit, start: dt.date, end: dt.date, facts: dict, number: str) -> DocumentContent:
    unit = actor.unit
    return DocumentContent(
        issuer=unit.name, number=number, title=circular_title(area=area, start=start, end=end),
        addressee=f"{area.name}各有关单位：", paragraphs=circular_paragraphs(facts=facts, issuer=unit.name),
        date=date_cn(clock.today()), note="（此件发至各有关单位）", red_head=document_red_head())


def circular_draft(*, actor: User, area: Unit | None, start: dt.date | None, end: dt.date | None) -> dict:
    """The circular as it would be issued now — its facts and text — neither stored nor
    numbered (a number is taken only by circular_issue, so a draft leaves no gap). Checked
    as an issue is: the same person could issue it as it stands."""
    _issue_check(actor=actor, area=area, start=start, end=end)
    facts = circular_content_compose(area=area, start=start, end=end)
    document = _document(actor=actor, area=area, start=start, end=end, facts=facts, number=DRAFT_NUMBER)
    return {"title": document.title, "area": area, "unit": actor.unit, "period_start": start, "period_end": end,
            "content": {**facts, "document": dataclasses.asdict(document)}}


def circular_issue(*, actor: User, area: Unit | None, start: dt.date | None, end: dt.date | None) -> Circular:
    """Issue a numbered circular for the area and period, its text frozen now. Supervisors and
    leaders issue them (DESIGN: 督查员 issues circulars); the number is taken in this
    transaction, so a refused or failed issue leaves no gap."""
    _issue_check(actor=actor, area=area, start=start, end=end)
    facts = circular_content_compose(area=area, start=start, end=end)
    unit, year = actor.unit, clock.today().year
    with transaction.atomic():
        _, seq = case_number_next(unit=unit, kind=NUMBER_KIND, prefix="", year=year)
        number = circular_number_format(unit=unit, year=year, seq=seq)
        document = _document(actor=actor, area=area, start=start, end=end, facts=facts, number=number)
        circular = Circular.objects.create(
            unit=unit, year=year, seq=seq, number=number, title=document.title, area=area, period_start=start,
            period_end=end, content={**facts, "document": dataclasses.asdict(document)},
            issued_at=clock.now(), issued_by=actor)
        audit_record(actor=actor, actor_kind="staff", action="circular.issue", object_type="circular",
                     object_id=number, detail={"area": area.pk, "start": start.isoformat(), "end": end.isoformat()})
    return circular


# --- reading --------------------------------------------------------------------------------

def circulars_for(*, user: User) -> QuerySet[Circular]:
    """Circulars on areas within the user's statistical area, newest first."""
    top = stats_area_for(user=user)
    qs = Circular.objects.select_related("unit", "area", "issued_by")
    if top is not None:
        qs = qs.filter(area__path__startswith=top.path)
    return qs.order_by("-issued_at", "-id")


def circular_get_for(*, user: User, circular_id: int) -> Circular:
    circular = circulars_for(user=user).filter(pk=circular_id).first()
    if circular is None:
        raise NotFound("未找到该通报，或无权查看。")
    return circular


_RENDERERS = {"docx": docx_render, "pdf": pdf_render}


def circular_file(*, circular: Circular, fmt: str) -> tuple:
    """(the stored file, its download name, its content type), rendered from the frozen text
    on first download and kept (as documents.services.document_rendered does)."""
    if fmt not in FORMATS:
        raise NotFound("没有该格式。")
    if not getattr(circular, fmt):
        data = _RENDERERS[fmt](DocumentContent(**circular.content["document"]))
        with transaction.atomic():
            locked = Circular.objects.select_for_update().select_related("unit").get(pk=circular.pk)
            field = getattr(locked, fmt)
            if not field:
                name = f"circular-{locked.seq:05d}.{fmt}"
                path = field.field.generate_filename(locked, name)
                if field.storage.exists(path):   # left by an issue rolled back after rendering
                    field.storage.delete(path)
                field.save(name, ContentFile(data), save=False)
                locked.save(update_fields=[fmt])
        setattr(circular, fmt, getattr(locked, fmt))
    return getattr(circular, fmt), f"{circular.title}（{circular.number}）.{fmt}", TYPE_BY_FORMAT[fmt]
