"""PostgreSQL keeps each search document's `unit_ids` equal to its case's links in
core_caseunit (search migration 0003), whatever happens to the links and in whichever
order the document and the links are written: the search scope depends on it."""
import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinfang.core.models import Case, CaseUnit
from xinfang.orgs.models import Unit
from xinfang.petitions.tests.builders import register
from xinfang.search.models import SearchDocument
from xinfang.search.services import search_reindex

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="unit_ids is PostgreSQL's")]


def stored_units(case_id: int) -> list[int] | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT unit_ids FROM search_searchdocument WHERE case_id = %s", [case_id])
        row = cursor.fetchone()
    return None if row is None else list(row[0])


def linked_units(case_id: int) -> list[int]:
    return sorted(CaseUnit.objects.filter(case_id=case_id).values_list("unit_id", flat=True))


def test_a_registered_case_carries_the_units_that_hold_it(tree):
    case = register(tree, title="烧烤油烟", content="烧烤油烟扰民。")
    assert stored_units(case.pk) == linked_units(case.pk) != []


OPS = st.lists(st.tuples(st.sampled_from(["add", "remove", "move", "reindex", "drop_doc"]),
                         st.integers(0, 5), st.integers(0, 5)), max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_the_stored_units_follow_any_sequence_of_link_writes(tree, ops):
    units = list(Unit.objects.order_by("pk"))[:6]
    with transaction.atomic():
        case = register(tree, title="路灯不亮", content="小区路灯坏了一个月。")
        for op, a, b in ops:
            ua, ub = units[a % len(units)], units[b % len(units)]
            if op == "add":
                CaseUnit.objects.bulk_create([CaseUnit(case=case, unit=ua)], ignore_conflicts=True)
            elif op == "remove":
                CaseUnit.objects.filter(case=case, unit=ua).delete()
            elif op == "move" and not CaseUnit.objects.filter(case=case, unit=ub).exists():
                CaseUnit.objects.filter(case=case, unit=ua).update(unit=ub)
            elif op == "reindex":
                search_reindex()
            elif op == "drop_doc":
                # The links change while the case has no document; it is indexed again after.
                SearchDocument.objects.filter(case=case).delete()
                CaseUnit.objects.bulk_create([CaseUnit(case=case, unit=ub)], ignore_conflicts=True)
                search_reindex()
            assert stored_units(case.pk) == linked_units(case.pk)
        transaction.set_rollback(True)
    assert not Case.objects.filter(pk=case.pk).exists()
