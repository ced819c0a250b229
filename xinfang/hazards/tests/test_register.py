"""Registering hazards and inspections: what is recorded, and every bad input refused with
a Chinese message naming the field, nothing created."""
import datetime as dt

import pytest

from xinfang.core import clock
from xinfang.core.errors import Forbidden, ValidationFailed
from xinfang.core.models import Attachment, Case, Event

from ..models import Hazard, HazardViolation, Inspection
from ..schemas import credit_code_problem
from ..services import hazard_register, inspection_create
from .builders import BASE_DAY, PNG, hazard_data, register

GOOD_CREDIT = "91350100M000100Y43"


def _counts():
    return (Case.objects.count(), Hazard.objects.count(), Event.objects.count(), Attachment.objects.count(),
            HazardViolation.objects.count(), Inspection.objects.count())


def _inspection(hz, **kw):
    data = dict(name="2026年春季安全生产大检查", scope_unit_ids=[hz.street_a.pk], start_date="2026-02-20",
                end_date="2026-03-20")
    data.update(kw)
    return inspection_create(actor=hz.inspector_a, data=data)


def test_a_hazard_is_registered_with_photos_and_violations(hz):
    with clock.frozen(BASE_DAY):
        inspection = _inspection(hz)
        case = register(hz, photos=[("配电箱.png", PNG)], inspection_id=inspection.pk, credit_code=GOOD_CREDIT,
                        place_unit_id=hz.community.pk, found_on="2026-02-27",
                        violations=[{"kind": "violating_operation", "description": "带电作业未穿绝缘鞋"},
                                    {"kind": "over_staffing", "description": "车间超定员作业"}])
    assert case.number == "YH2026-JJD-00001" and case.kind == "hazard" and case.status == "registered"
    assert case.owner_unit == hz.street_a and case.place_unit == hz.community
    assert case.received_date == dt.date(2026, 2, 27)
    h = case.hazard
    assert (h.grade, h.inspection, h.source, h.credit_code, h.finder) == (
        "ordinary", inspection, "inspection", GOOD_CREDIT, "检查组")
    assert [v.group for v in case.hazard_violations.all()] == ["三违", "三超"]
    assert [e.action for e in case.events.order_by("seq")] == ["register", "attachments_add"]
    assert case.attachments.get().content_type == "image/png"


def test_a_grid_worker_reports_a_hazard_for_the_street(hz):
    with clock.frozen(BASE_DAY):
        case = hazard_register(actor=hz.grid_worker, data=hazard_data(finder=""))
    assert case.owner_unit == hz.street_a and case.registered_unit == hz.grid
    assert case.hazard.source == "grid" and case.hazard.finder == "grid_worker"


@pytest.mark.parametrize("overrides,field", [
    ({"title": " "}, "title"),
    ({"description": "短"}, "description"),
    ({"grade": "严重"}, "grade"),
    ({"industry": "nuclear"}, "industry"),
    ({"category": None}, "category"),
    ({"enterprise_name": ""}, "enterprise_name"),
    ({"credit_code": "91350100M000100Y44"}, "credit_code"),
    ({"credit_code": "1234"}, "credit_code"),
    ({"site": ""}, "site"),
    ({"place_unit_id": 999999}, "place_unit_id"),
    ({"owner_unit_id": 999999}, "owner_unit_id"),
    ({"inspection_id": 999999}, "inspection_id"),
    ({"found_on": "2026-03-09"}, "found_on"),
    ({"found_on": "昨天"}, "found_on"),
    ({"violations": [{"kind": "偷懒", "description": "x"}]}, "violations.0.kind"),
    ({"violations": [{"kind": "violating_command"}]}, "violations.0.description"),
    ({"unknown": 1}, "unknown"),
])
def test_bad_registration_names_the_field_and_creates_nothing(hz, overrides, field):
    data = hazard_data(**overrides)
    data = {k: v for k, v in data.items() if v is not None}
    before = _counts()
    with clock.frozen(BASE_DAY), pytest.raises(ValidationFailed) as exc:
        hazard_register(actor=hz.inspector_a, data=data, photos=[("a.png", PNG)])
    assert exc.value.field == field and not exc.value.message.isascii()
    assert _counts() == before


def test_owner_must_not_be_another_streets(hz):
    with clock.frozen(BASE_DAY), pytest.raises(ValidationFailed, match="责任单位") as exc:
        register(hz, owner_unit_id=hz.street_b.pk)
    assert exc.value.field == "owner_unit_id" and Case.objects.count() == 0


def test_found_outside_the_inspection_period_or_an_unseen_inspection(hz):
    with clock.frozen(BASE_DAY):
        inspection = _inspection(hz, start_date="2026-02-20", end_date="2026-02-25")
        with pytest.raises(ValidationFailed, match="检查期间") as exc:
            register(hz, inspection_id=inspection.pk)
        assert exc.value.field == "found_on"
        other = inspection_create(actor=hz.inspector_b, data=dict(
            name="乙街道检查", scope_unit_ids=[hz.street_b.pk], start_date="2026-03-01", end_date="2026-03-05"))
        with pytest.raises(ValidationFailed, match="所属检查"):
            register(hz, inspection_id=other.pk)
    assert Case.objects.count() == 0


def test_photos_must_be_images_and_all_or_nothing(hz):
    before = _counts()
    with clock.frozen(BASE_DAY):
        with pytest.raises(ValidationFailed, match="不是图片") as exc:
            register(hz, photos=[("ok.png", PNG), ("report.pdf", b"%PDF-1.4 test")])
        assert exc.value.field == "photos"
        with pytest.raises(ValidationFailed, match="格式不被接受"):
            register(hz, photos=[("evil.png", b"MZ\x90\x00 not an image")])
        with pytest.raises(ValidationFailed, match="空文件"):
            register(hz, photos=[("empty.png", b"")])
    assert _counts() == before


def test_only_inspectors_grid_workers_and_supervisors_register(hz):
    before = _counts()
    for user in (hz.handler_a, hz.reviewer_a, hz.registrar, hz.leader):
        with clock.frozen(BASE_DAY), pytest.raises(Forbidden):
            hazard_register(actor=user, data=hazard_data())
    assert _counts() == before


def test_credit_code_check_character():
    assert credit_code_problem(GOOD_CREDIT) == ""
    assert "校验位" in credit_code_problem(GOOD_CREDIT[:-1] + "2")
    assert "无效字符" in credit_code_problem("91350100M000100YI3")


@pytest.mark.parametrize("overrides,field", [
    ({"name": "x"}, "name"),
    ({"scope_unit_ids": []}, "scope_unit_ids"),
    ({"scope_unit_ids": [999999]}, "scope_unit_ids"),
    ({"end_date": "2026-02-01"}, "end_date"),
    ({"end_date": "2027-06-01"}, "end_date"),
    ({"start_date": "明天"}, "start_date"),
    ({"inspecting_unit_id": "district"}, "inspecting_unit_id"),
])
def test_bad_inspections_are_refused(hz, overrides, field):
    with clock.frozen(BASE_DAY), pytest.raises(ValidationFailed) as exc:
        _inspection(hz, **overrides)
    assert exc.value.field == field
    assert Inspection.objects.count() == 0


def test_an_inspection_is_run_by_the_own_unit_or_below(hz):
    with clock.frozen(BASE_DAY):
        with pytest.raises(ValidationFailed, match="检查单位") as exc:
            _inspection(hz, inspecting_unit_id=hz.district.pk)
        assert exc.value.field == "inspecting_unit_id"
        with pytest.raises(Forbidden):
            inspection_create(actor=hz.handler_a, data=dict(name="检查", scope_unit_ids=[hz.street_a.pk],
                                                            start_date="2026-03-01", end_date="2026-03-02"))
        inspection = _inspection(hz, inspecting_unit_id=hz.community.pk)
    assert inspection.inspecting_unit == hz.community and list(inspection.scope_units.all()) == [hz.street_a]
