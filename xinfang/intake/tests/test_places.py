"""Places in real sentences: the unit tree's streets and communities by full name or stem,
province / city / district by cpca (with the unit whose 行政区划代码 matches)."""
import pytest

from xinfang.intake.places import places_in_text, unit_stem
from xinfang.orgs.models import Unit, UnitLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def streets(tree):
    dongshan = Unit.objects.create(name="东山街道", short_code="DSJD", level=UnitLevel.STREET, parent=tree.district)
    qingsong = Unit.objects.create(name="青松社区", short_code="DSJD01", level=UnitLevel.COMMUNITY, parent=dongshan)
    east = Unit.objects.create(name="东村", short_code="DC", level=UnitLevel.COMMUNITY, parent=dongshan)
    for u in (dongshan, qingsong, east):
        u.refresh_from_db()
    return type("S", (), dict(dongshan=dongshan, qingsong=qingsong, east=east))


def test_stems_drop_the_suffix_but_never_to_one_character():
    assert unit_stem("东山街道") == "东山" and unit_stem("青松社区") == "青松" and unit_stem("新华村") == "新华"
    assert unit_stem("东村") == "" and unit_stem("青松社区第1网格") == "" and unit_stem("示范区住建局") == ""


def test_full_names_and_stems_in_a_resident_sentence(streets):
    found = places_in_text("我是东山街道青松社区的居民，小区物业乱收停车费。")
    assert [(p.unit_name, p.kind) for p in found[:2]] == [("青松社区", "社区/村"), ("东山街道", "街道/乡镇")]
    found = places_in_text("东山这边青松小区门口的路灯坏了三个月")
    assert {p.unit_id for p in found} == {streets.dongshan.pk, streets.qingsong.pk}
    assert {p.name for p in found} == {"东山", "青松"}


def test_a_one_character_stem_matches_nothing(streets):
    found = places_in_text("东边的工地晚上施工噪音很大")
    assert streets.east.pk not in {p.unit_id for p in found}
    assert places_in_text("东村的道路坏了")[0].unit_id == streets.east.pk      # the full name still does


def test_cpca_reads_province_city_district_and_links_the_district_unit(tree):
    found = places_in_text("山东省青岛市市南区某小区物业不作为")
    by_kind = {p.kind: p for p in found}
    assert by_kind["省"].name == "山东省" and by_kind["市"].name == "青岛市" and by_kind["区"].name == "市南区"
    assert by_kind["区"].unit_id == tree.district.pk        # 示范区's 行政区划代码 is 370202 (市南区)
    assert by_kind["市"].unit_id == tree.city.pk


def test_a_city_named_alone_and_nothing_at_all():
    assert [p.name for p in places_in_text("长沙市岳麓区麓谷街道的公交车太少")][:2] == ["湖南省", "长沙市"]
    assert places_in_text("希望提高退休工资") == []
    assert places_in_text("") == []


def test_placeholders_of_the_division_table_are_no_places():
    # cpca alone reads a lone 县 as 重庆市's "县" and 市辖区 as some city's: a registrar would
    # be told the matter is in 重庆市.
    assert places_in_text("A8县市香山冲国家森林公园附近村民请求还我们一片青山绿水") == []
    assert places_in_text("县里的学校乱收费") == []
    assert places_in_text("市辖区的道路坏了") == []
    assert [(p.kind, p.name) for p in places_in_text("北京朝阳区某小区停车难")] == [("省", "北京市"), ("区", "朝阳区")]


def test_a_district_name_several_cities_have_is_not_placed_in_one_of_them():
    found = places_in_text("我住在朝阳区，小区门口的路灯坏了")
    assert [(p.kind, p.name, p.unit_id) for p in found] == [("区", "朝阳区", None)]
    found = places_in_text("杭州西湖区文三路噪音扰民")
    assert [(p.kind, p.name) for p in found] == [("省", "浙江省"), ("市", "杭州市"), ("区", "西湖区")]
    # a name only one district has keeps its city and province
    assert [p.name for p in places_in_text("岳麓区的学校")] == ["湖南省", "长沙市", "岳麓区"]
