"""Cases as the API shows them. Only presentation: every rule (scope, masking,
confidentiality, which actions) comes from the selectors."""
import datetime as dt
import functools
from typing import Any

from django.utils import timezone
from pydantic import BaseModel

from xinfang.core.deadlines import DeadlineState
from xinfang.core.models import Case
from xinfang.core.selectors import case_actions_for, case_deadline_state, case_deadlines, case_timeline
from xinfang.core.workflow import workflow_for
from xinfang.orgs.models import Unit, User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import (case_query_code_for, petition_answers, petition_parties_for,
                                         petitioner_summary_for)


def _local(at: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(at) if at is not None else None


def _unit(unit: Unit | None) -> dict | None:
    return {"id": unit.pk, "name": unit.name} if unit is not None else None


def _user(user: User | None) -> dict | None:
    return {"id": user.pk, "name": str(user)} if user is not None else None


def _status_label(case: Case) -> str:
    return workflow_for(case.kind).state(case.status).label


@functools.lru_cache(maxsize=None)
def payload_schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def case_summary_render(*, user: User, case: Case) -> dict:
    """One list row. Expects category, owner_unit, accused_unit selected and petitioners
    prefetched (see the list endpoint), so a page costs a fixed number of queries."""
    state = case_deadline_state(case=case)
    return {
        "number": case.number, "kind": case.kind, "title": case.title, "status": case.status,
        "status_label": _status_label(case), "is_open": case.is_open, "version": case.version,
        "received_date": case.received_date, "next_due_date": case.next_due_date,
        "deadline_state": state, "deadline_state_label": DeadlineState.LABELS[state],
        "owner_unit": _unit(case.owner_unit), "category": case.category.name if case.category else None,
        "petitioner_summary": petitioner_summary_for(user=user, case=case),
        "updated_at": _local(case.updated_at),
    }


def _petition_render(petition: Petition | None) -> dict | None:
    if petition is None:
        return None
    return {
        "channel": petition.channel, "channel_label": petition.get_channel_display(),
        "claim_type": petition.claim_type, "claim_type_label": petition.get_claim_type_display(),
        "person_count": petition.person_count, "is_collective": petition.is_collective,
        "reception_level": petition.reception_level,
        "reception_level_label": petition.get_reception_level_display(),
        "is_skip_level": petition.is_skip_level, "is_first": petition.is_first,
        "handling_unit": _unit(petition.handling_unit), "review_unit": _unit(petition.review_unit),
        "rereview_unit": _unit(petition.rereview_unit),
        "decline_channel": petition.decline_channel,
        "decline_channel_label": petition.get_decline_channel_display() if petition.decline_channel else "",
        "decline_reason": petition.decline_reason, "extension_days": petition.extension_days,
        "satisfaction": petition.satisfaction,
        "satisfaction_label": petition.get_satisfaction_display() if petition.satisfaction else "",
        "satisfaction_comment": petition.satisfaction_comment,
    }


def case_detail_render(*, user: User, case: Case, unmask: bool = False) -> dict:
    workflow = workflow_for(case.kind)
    petition = (Petition.objects.select_related("handling_unit", "review_unit", "rereview_unit")
                .filter(case=case).first())
    return {
        "number": case.number, "kind": case.kind, "kind_label": workflow.label, "title": case.title,
        "content": case.content, "status": case.status, "status_label": workflow.state(case.status).label,
        "is_open": case.is_open, "version": case.version,
        # The query code lets its holder rate the answer as the petitioner: not for the accused.
        "query_code": case_query_code_for(user=user, case=case),
        "received_date": case.received_date, "next_due_date": case.next_due_date,
        "deadline_state": case_deadline_state(case=case),
        "category": case.category.full_name if case.category else None,
        "place_unit": _unit(case.place_unit), "registered_unit": _unit(case.registered_unit),
        "owner_unit": _unit(case.owner_unit), "accused_unit": _unit(case.accused_unit),
        "handler": _user(case.handler), "leader": _user(case.leader),
        "repeat_of": case.repeat_of.number if case.repeat_of else None,
        "created_at": _local(case.created_at), "updated_at": _local(case.updated_at),
        "closed_at": _local(case.closed_at),
        "petition": _petition_render(petition),
        "parties": petition_parties_for(user=user, case=case, unmask=unmask) if petition else [],
        "deadlines": case_deadlines(case=case),
        "answers": [{
            "id": a.pk, "stage": a.stage, "stage_label": a.get_stage_display(), "decision": a.decision,
            "decision_label": a.get_decision_label(), "facts": a.facts, "legal_basis": a.legal_basis,
            "text": a.text, "unit": _unit(a.unit), "status": a.status,
            "submitted_by": str(a.submitted_by) if a.submitted_by else None,
            "submitted_at": _local(a.submitted_at),
            "decided_by": str(a.decided_by) if a.decided_by else None, "decided_at": _local(a.decided_at),
            "return_reason": a.return_reason,
        } for a in (petition_answers(case=case) if petition else [])],
        "actions": [{
            "action": t.action, "label": t.label, "target": t.target, "document": t.document,
            "payload_schema": payload_schema(t.payload) if t.payload else None,
        } for t in case_actions_for(user=user, case=case)],
    }


def case_timeline_render(*, case: Case) -> dict:
    return {"number": case.number, "events": [{
        "seq": e.seq, "action": e.action, "label": e.label, "from_status": e.from_status,
        "to_status": e.to_status, "actor": str(e.actor) if e.actor else None, "actor_kind": e.actor_kind,
        "actor_unit": e.actor_unit.name if e.actor_unit else None, "at": _local(e.at),
        "payload": e.payload or {}, "is_public": e.is_public, "public_text": e.public_text,
    } for e in case_timeline(case=case)]}


def public_track_render(*, view: dict, can_rate: bool) -> dict:
    """Whitelists what petition_public_view returns: nothing about people, no payloads."""
    return {
        "number": view["number"], "title": view["title"], "status": view["status"],
        "status_label": view["status_label"], "received_date": view["received_date"],
        "owner_unit": view["owner_unit"],
        "timeline": [{"at": _local(e["at"]), "text": e["text"]} for e in view["timeline"]],
        "deadlines": [{k: d[k] for k in ("label", "due_date", "state", "state_label", "provisional",
                                          "legal_source")} for d in view["deadlines"]],
        "answers": [{"stage": a["stage"], "decision": a["decision"], "facts": a["facts"],
                     "legal_basis": a["legal_basis"], "text": a["text"], "unit": a["unit"],
                     "date": _local(a["date"])} for a in view["answers"]],
        "satisfaction": view["satisfaction"], "satisfaction_label": view["satisfaction_label"],
        "appeal_hint": view["appeal_hint"], "decline_channel": view["decline_channel"],
        "can_rate": can_rate,
    }
