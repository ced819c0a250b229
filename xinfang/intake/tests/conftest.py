import pytest

from xinfang.core.models import Category
from xinfang.intake.classifier import CategoryClassifier
from xinfang.intake.places import place_index_clear
from xinfang.intake.selectors import classifier_cache_clear

from .corpus import corpus_rows


@pytest.fixture(scope="session")
def small_model_path(tmp_path_factory):
    rows = corpus_rows()
    model = CategoryClassifier.fit([f"{r['标题']} {r['内容']}" for r in rows], [r["类别"] for r in rows])
    path = tmp_path_factory.mktemp("intake-model") / "small.joblib"
    model.save(path)
    return path


@pytest.fixture(autouse=True)
def _small_default_model(settings, small_model_path):
    """Tests use a small model trained on the generated corpus, not the shipped one."""
    settings.XINFANG_INTAKE_DEFAULT_MODEL = str(small_model_path)
    classifier_cache_clear()
    place_index_clear()
    yield
    classifier_cache_clear()
    place_index_clear()


@pytest.fixture
def categories(db):
    """城乡建设 → 住房保障与房地产 → 物业管理; 教育文体; 卫生计生 (names as the public taxonomy)."""
    town = Category.objects.create(name="城乡建设")
    housing = Category.objects.create(name="住房保障与房地产", parent=town)
    estate = Category.objects.create(name="物业管理", parent=housing)
    edu = Category.objects.create(name="教育文体")
    health = Category.objects.create(name="卫生计生")
    return type("Cats", (), dict(town=town, housing=housing, estate=estate, edu=edu, health=health))
