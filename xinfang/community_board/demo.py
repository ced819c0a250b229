"""Demo data for 平安创建: the board reads the other ledgers (petitions, disputes, emergencies,
hazards), so it needs little of its own — two 越级集体访 to the city this year and last,
about matters of 荷花社区 and 春晖社区, each assigned by the city down to its street, so that the target 无越级集体访 is missed somewhere. Played through the real
services as (when, step) pairs merged into the demo's history."""
import datetime as dt

from django.utils import timezone

from xinfang.core.services import case_transition
from xinfang.orgs.models import Unit, User
from xinfang.petitions.services import petition_register

# (days before today, place code, street code, title, content, people, representatives, category path)
SKIP_LEVEL_VISITS = [
    (40, "XHJD01", "XHJD", "荷花社区回迁安置房交付延期问题",
     "荷花社区回迁安置房原定今年6月交付，至今未交付，过渡费停发，群众要求明确交付时间并补发过渡费。", 15,
     ["周桂兰", "吴德福"], ("城乡建设", "国有土地上房屋征收与补偿", "安置补偿")),
    (400, "BYJD02", "BYJD", "春晖社区老旧小区改造施工扰民问题",
     "春晖社区老旧小区改造夜间施工噪声扰民，多次反映未解决，居民要求规范施工时间。", 9, ["郑立新"],
     ("环境保护", "环境污染", "噪音污染")),
]


def _category_id(path: tuple[str, str, str]) -> int | None:
    from xinfang.core.models import Category
    leaf = Category.objects.filter(name=path[2], parent__name=path[1], parent__parent__name=path[0]).first()
    return leaf.pk if leaf else None


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def community_board_demo_plan(*, units: dict[str, Unit], users: dict[str, User], today: dt.date, rng) -> list:
    city = users.get("city_registrar")
    if city is None:
        return []
    steps: list = []
    for days, place, street, title, content, people, reps, category in SKIP_LEVEL_VISITS:
        if place not in units or street not in units:
            continue
        day = today - dt.timedelta(days=days)
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        held: dict = {}

        def register(held=held, place=place, title=title, content=content, people=people, reps=reps, day=day,
                     category=category):
            held["case"] = petition_register(actor=city, data={"category_id": _category_id(category),
                "title": title, "content": content, "channel": "visit", "person_count": people,
                "reception_level": "city", "is_skip_level": True, "place_unit_id": units[place].pk,
                "received_date": day.isoformat(),
                "petitioners": [{"name": name, "is_representative": True} for name in reps]})

        def assign(held=held, street=street):
            case = held["case"]
            case.refresh_from_db()
            held["case"] = case_transition(case=case, actor=city, action="assign", version=case.version,
                                           payload={"unit_id": units[street].pk, "note": "请属地街道依职责办理。"})

        steps.append((_at(day, 10, rng.randint(0, 40)), register))
        steps.append((_at(day, 15, rng.randint(0, 40)), assign))
    return steps
