"""The unit tree (materialised paths) and user creation."""
import pytest

from xinfang.audit.models import AuditEntry
from xinfang.audit.services import audit_verify
from xinfang.core.errors import ValidationFailed
from xinfang.orgs.models import DataScope, Role, Unit, UnitLevel, User
from xinfang.orgs.services import user_create


def test_paths_and_depths(tree):
    assert tree.city.path == f"/{tree.city.pk}/" and tree.city.depth == 0
    assert tree.grid.path == f"{tree.community.path}{tree.grid.pk}/" and tree.grid.depth == 4
    assert [u.name for u in tree.grid.ancestors()] == ["示范市", "示范区", "甲街道", "一社区"]


def test_is_within(tree):
    assert tree.grid.is_within(tree.street_a) and tree.grid.is_within(tree.grid)
    assert not tree.street_a.is_within(tree.grid)
    assert not tree.street_b.is_within(tree.street_a)
    assert not tree.court.is_within(tree.district) and tree.court.is_within(tree.city)


def test_is_within_is_not_fooled_by_a_shared_id_prefix(tree):
    """/1/2/ must not count as inside /1/21/-style siblings: paths end with a slash."""
    units = [Unit.objects.create(name=f"单位{i}", short_code=f"U{i}", level=UnitLevel.STREET, parent=tree.district)
             for i in range(12)]
    for u in units:
        u.refresh_from_db()
    for a in units:
        for b in units:
            assert a.is_within(b) == (a.pk == b.pk)


def test_jurisdiction_of_a_bureau_is_its_government(tree):
    assert tree.bureau.jurisdiction() == tree.district
    assert tree.street_a.jurisdiction() == tree.street_a
    assert tree.housing.jurisdiction() == tree.housing


def test_moving_a_unit_carries_its_subtree(tree):
    tree.community.parent = tree.street_b
    tree.community.save()
    grid = Unit.objects.get(pk=tree.grid.pk)
    assert grid.path == f"{tree.street_b.path}{tree.community.pk}/{grid.pk}/"
    assert grid.is_within(tree.street_b) and not grid.is_within(tree.street_a)


def test_user_create_and_roles(tree):
    before = AuditEntry.objects.count()
    user = user_create(actor=tree.leader, username="new_handler", password="long-enough-1", unit=tree.street_a,
                       roles=["handler", "reviewer"], data_scope=DataScope.SUBTREE)
    assert user.has_role("handler") and user.has_role("leader", "reviewer") and not user.has_role("leader")
    assert user.check_password("long-enough-1") and not user.is_superuser
    assert AuditEntry.objects.count() == before + 1 and audit_verify().ok
    admin = user_create(actor=None, username="admin1", password="long-enough-1", unit=tree.district, roles=["admin"])
    assert admin.is_superuser and admin.is_staff


@pytest.mark.parametrize("changes, field", [
    ({"username": "registrar"}, "username"),
    ({"password": "short"}, "password"),
    ({"roles": ["handler", "wizard"]}, "roles"),
    ({"data_scope": "galaxy"}, "data_scope"),
])
def test_user_create_refuses_bad_input_and_creates_nothing(tree, changes, field):
    args = dict(actor=tree.leader, username="someone", password="long-enough-1", unit=tree.street_a,
                roles=["handler"])
    args.update(changes)
    users, entries = User.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        user_create(**args)
    assert exc.value.field == field
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, entries)


def test_the_seeded_roles(db):
    roles = dict(Role.objects.values_list("code", "sees_personal_data"))
    assert set(roles) == {"registrar", "handler", "reviewer", "leader", "supervisor", "mediator", "inspector",
                          "admin"}
    assert roles["registrar"] and not roles["supervisor"]
