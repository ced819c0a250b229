"""Petition reads. Identity protection lives here: for a 检举控告 matter, the accused
unit's people never see who the petitioners are (信访工作条例 Art 30, Art 46); everyone
else sees ID numbers, phones and addresses masked unless their role needs them and they
ask, which is audited."""
import datetime as dt

from django.db.models import Q

from xinfang.audit.services import audit_record
from xinfang.core import clock
from xinfang.core.identity import address_mask, id_number_mask, phone_mask
from xinfang.core.models import Case
from xinfang.core.selectors import case_deadlines, cases_visible_to
from xinfang.orgs.models import User

from .models import Answer, Petition, Petitioner, ReceptionDay
from .services import appeal_hint

CONFIDENTIAL_NAME = "（依法保密）"


def identity_hidden_from(*, user: User | None, case: Case) -> bool:
    """True when the user belongs to the unit a 检举控告 matter accuses (or below it)."""
    if user is None or case.accused_unit_id is None:
        return False
    if user.unit is None:
        return False
    return user.unit.is_within(case.accused_unit)


def case_query_code_for(*, user: User | None, case: Case) -> str | None:
    """The query code lets its holder follow and rate the matter as the petitioner, so the
    accused unit's people never get it."""
    return None if identity_hidden_from(user=user, case=case) else case.query_code


def user_may_unmask(*, user: User) -> bool:
    return user.is_superuser or user.roles.filter(sees_personal_data=True).exists()


def petition_parties_for(*, user: User, case: Case, unmask: bool = False) -> list[dict]:
    """The petitioners as this user may see them. Unmasking is refused silently for roles
    that may not (they get the masked view) and audited for those that may."""
    if identity_hidden_from(user=user, case=case):
        return [{"name": CONFIDENTIAL_NAME, "id_number": "", "phone": "", "address": "",
                 "is_representative": False, "hidden": True}]
    people = list(Petitioner.objects.filter(case=case).order_by("order"))
    show = unmask and user_may_unmask(user=user)
    if show:
        audit_record(actor=user, action="case.unmask_parties", object_type="case", object_id=case.number,
                     detail={"petitioners": [p.pk for p in people]})
    return [{
        "name": p.name,
        "id_number": p.id_number if show else id_number_mask(p.id_number) if p.id_number else "",
        "phone": p.phone if show else phone_mask(p.phone) if p.phone else "",
        "address": p.address if show else address_mask(p.address),
        "is_representative": p.is_representative, "hidden": False, "masked": not show,
    } for p in people]


def petitioner_summary_for(*, user: User, case: Case) -> str:
    """One short line for lists: the first petitioner's name (or 保密), and how many."""
    if identity_hidden_from(user=user, case=case):
        return CONFIDENTIAL_NAME
    names = [p.name for p in case.petitioners.all()]
    if not names:
        return ""
    return names[0] if len(names) == 1 else f"{names[0]}等{len(names)}人"


def petition_answers(*, case: Case, approved_only: bool = False) -> list[Answer]:
    qs = Answer.objects.filter(case=case).select_related("unit", "submitted_by", "decided_by")
    if approved_only:
        qs = qs.filter(status="approved")
    return list(qs.order_by("submitted_at", "id"))


def petitions_open_for_same_person(*, petitioners: list[dict], exclude: Case | None = None,
                                   user: User | None = None) -> list[Case]:
    """Open petitions of the same person (ID number, or name and phone) — the registrar is
    warned, and may link the new one as a repeat (重复访). With `user`, only the matters
    that user may see (a warning must not leak another branch's cases)."""
    q = Q(pk__in=[])
    for p in petitioners:
        if p.get("id_number"):
            q |= Q(petitioners__id_number=p["id_number"].strip().upper())
        if p.get("phone") and p.get("name"):
            q |= Q(petitioners__name=p["name"].strip(), petitioners__phone=p["phone"].strip())
    base = cases_visible_to(user=user) if user is not None else Case.objects.all()
    qs = base.filter(kind="petition", is_open=True).filter(q).distinct()
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs.order_by("-received_date")[:10])


def petition_public_view(*, case: Case, today: dt.date | None = None) -> dict:
    """What the petitioner sees with the query code: status in plain words, the public
    timeline, the organ's deadlines, delivered answers, the rating and how to appeal."""
    from xinfang.core.workflow import workflow_for

    today = today or clock.today()
    workflow = workflow_for(case.kind)
    state = workflow.state(case.status)
    petition = Petition.objects.get(case=case)
    return {
        "number": case.number,
        "title": case.title,
        "status": case.status,
        "status_label": state.public_label or state.label,
        "received_date": case.received_date,
        "owner_unit": case.owner_unit.name,
        "timeline": [{"at": e.at, "text": e.public_text} for e in case.events.filter(is_public=True).order_by("seq")],
        "deadlines": [d for d in case_deadlines(case=case, today=today)],
        "answers": [{"stage": a.get_stage_display(), "decision": a.get_decision_label(), "facts": a.facts,
                     "legal_basis": a.legal_basis, "text": a.text, "unit": a.unit.name, "date": a.decided_at}
                    for a in petition_answers(case=case, approved_only=True)],
        "satisfaction": petition.satisfaction,
        "satisfaction_label": petition.get_satisfaction_display() if petition.satisfaction else "",
        "appeal_hint": appeal_hint(case=case, today=today),
        "decline_channel": petition.get_decline_channel_display() if petition.decline_channel else "",
    }


def reception_days_for(*, user: User):
    """Reception days of the user's unit tree (all of them for an all-scope user), with the
    number of cases received on each, newest first."""
    from django.db.models import Count

    from xinfang.orgs.models import DataScope

    qs = ReceptionDay.objects.select_related("leader", "unit").annotate(case_count=Count("cases"))
    if not (user.is_superuser or user.data_scope == DataScope.ALL):
        if user.unit is None:
            return qs.none()
        area = user.unit.jurisdiction()
        qs = qs.filter(unit__path__startswith=area.path)
    return qs.order_by("-date", "-id")
