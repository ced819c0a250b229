"""petition_register: every bad input is refused with a Chinese message naming the field,
and creates nothing — no case, person, event, audit entry, and no number used up."""
import datetime as dt

import pytest

from xinfang.audit.models import AuditEntry
from xinfang.core import clock
from xinfang.core.errors import Forbidden, ValidationFailed
from xinfang.core.models import Case, Category, Deadline, Event, NumberSequence
from xinfang.core.services import case_create
from xinfang.petitions.models import Petition, Petitioner
from xinfang.petitions.services import petition_register

from .builders import BASE_DAY, petition_data, petitioner

GOOD_ID = "11010519491231002X"


def counts() -> dict:
    return {m.__name__: m.objects.count() for m in (Case, Petition, Petitioner, Event, Deadline, AuditEntry)} | {
        "last": list(NumberSequence.objects.order_by("pk").values_list("last", flat=True))}


def person(**kw) -> dict:
    return petitioner() | kw


BAD_INPUTS = [
    # (name, changes to the good data, field, words the message must contain)
    ("id check digit", dict(petitioners=[person(id_number="110105194912310021")]), "petitioners.0.id_number", "校验位"),
    ("id birth date", dict(petitioners=[person(id_number="110105194902300020")]), "petitioners.0.id_number",
     "出生日期"),
    ("id length", dict(petitioners=[person(id_number="1101051949")]), "petitioners.0.id_number", "18位"),
    ("phone", dict(petitioners=[person(phone="12345")]), "petitioners.0.phone", "电话"),
    ("second person's phone", dict(petitioners=[person(), person(phone="1380013800x")], person_count=2),
     "petitioners.1.phone", "电话"),
    ("six representatives", dict(petitioners=[person(is_representative=True) for _ in range(6)], person_count=50),
     "petitioners", "代表"),
    ("fewer people than petitioners", dict(petitioners=[person(), person()], person_count=1), "person_count",
     "人数"),
    ("no petitioner", dict(petitioners=[]), "petitioners", "信访人"),
    ("missing title", dict(title=None), "title", "标题"),
    ("blank title", dict(title="   "), "title", "标题"),
    ("missing content", dict(content=None), "content", "诉求"),
    ("unknown channel", dict(channel="pigeon"), "channel", "来源渠道"),
    ("future received date", dict(received_date=BASE_DAY + dt.timedelta(days=1)), "received_date", "收到日期"),
    ("bad received date", dict(received_date="2026-02-30"), "received_date", "收到日期"),
    ("unknown category", dict(category_id=999999), "category_id", "分类"),
    ("unknown place", dict(place_unit_id=999999), "place_unit_id", "发生地"),
    ("unknown accused unit", dict(claim_type="accusation", accused_unit_id=999999), "accused_unit_id",
     "被反映单位"),
    ("accused unit on a request", dict(claim_type="request", accused_unit_id="STREET_A"), "accused_unit_id",
     "检举控告"),
    ("unknown field", dict(secret="x"), "secret", "不认识"),
]


@pytest.mark.parametrize("name, changes, field, words", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_refused_and_changes_nothing(tree, name, changes, field, words):
    changes = {k: (tree.street_a.pk if v == "STREET_A" else v) for k, v in changes.items()}
    with clock.frozen(BASE_DAY):
        petition_register(actor=tree.registrar, data=petition_data())   # the counter exists and is at 1
        before = counts()
        data = petition_data()
        for key, value in changes.items():
            if value is None:
                data.pop(key)
            else:
                data[key] = value
        with pytest.raises(ValidationFailed) as exc:
            petition_register(actor=tree.registrar, data=data)
    assert exc.value.field == field
    assert words in exc.value.message and any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)
    assert exc.value.as_dict() == {"code": "invalid", "message": exc.value.message, "field": field}
    assert counts() == before
    with clock.frozen(BASE_DAY):
        assert petition_register(actor=tree.registrar, data=petition_data()).seq == 2


def test_good_input_is_stored_as_given(tree):
    cat = Category.objects.create(name="城乡建设")
    with clock.frozen(BASE_DAY):
        case = petition_register(actor=tree.registrar, data=petition_data(
            channel="letter", received_date="2026-02-27", category_id=cat.pk, place_unit_id=tree.street_a.pk,
            person_count=30, petitioners=[person(id_number=GOOD_ID.lower(), is_representative=True)] + [
                person(is_representative=True) for _ in range(4)]))
    case.refresh_from_db()
    assert (case.received_date, case.category, case.place_unit) == (dt.date(2026, 2, 27), cat, tree.street_a)
    assert case.petition.is_collective and case.petition.person_count == 30
    assert case.petitioners.first().id_number == GOOD_ID           # normalised to upper case
    assert case.number == "XF2026-SFQXFJ-00001" and len(case.query_code) == 10


def test_public_submission_needs_a_way_to_reach_the_petitioner(tree):
    with clock.frozen(BASE_DAY):
        before = counts()
        with pytest.raises(ValidationFailed) as exc:
            petition_register(actor=None, actor_kind="public",
                              data=petition_data(channel="web", petitioners=[dict(name="王五")]))
        assert exc.value.field == "petitioners" and counts() == before


def test_a_registration_rolled_back_after_numbering_leaves_no_gap(tree):
    """Bad input found after the number was drawn (here: by the kind-specific rows) rolls
    the counter back with everything else."""
    def prepare(case):
        raise ValidationFailed("信访人信息不完整。", field="petitioners")

    with clock.frozen(BASE_DAY):
        first = petition_register(actor=tree.registrar, data=petition_data())
        before = counts()
        with pytest.raises(ValidationFailed):
            case_create(kind="petition", actor=tree.registrar, registered_unit=tree.bureau, prepare=prepare,
                        fields=dict(title="标题", content="内容内容内容", received_date=BASE_DAY))
        assert counts() == before
        second = petition_register(actor=tree.registrar, data=petition_data())
    assert (first.seq, second.seq) == (1, 2)
    assert second.number == "XF2026-SFQXFJ-00002"


def test_numbers_are_per_unit_and_year(tree):
    with clock.frozen(dt.date(2025, 12, 31)):
        a = petition_register(actor=tree.registrar, data=petition_data())
    with clock.frozen(dt.date(2026, 1, 5)):
        b = petition_register(actor=tree.registrar, data=petition_data())
        c = petition_register(actor=tree.registrar_a, data=petition_data())
    assert [a.number, b.number, c.number] == ["XF2025-SFQXFJ-00001", "XF2026-SFQXFJ-00001", "XF2026-JJD-00001"]


def test_staff_without_the_registrar_role_cannot_register(tree):
    with clock.frozen(BASE_DAY):
        before = counts()
        with pytest.raises(Forbidden):
            petition_register(actor=tree.handler_a, data=petition_data())
    assert counts() == before
