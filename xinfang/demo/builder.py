"""The 示范区 demo: a unit tree, one login per role, the category taxonomy, and a few hundred
petitions whose histories are played through the real services on past dates.

Nothing here writes a status: every case moves by `case_transition`, each step run inside
`clock.frozen(<that day>)`. The whole history is planned first (each petition gets a
"fate" — the state it should end in — and a script of dated steps), then all steps of all
petitions run in date order, with the nightly `petitions_close_lapsed` in between, so case
numbers, the audit chain and the timelines read like a real year and a half of work.

Dates are relative to the real today, so open cases are overdue or due soon when the demo
is looked at; the random choices come from one seed, so the shape is the same every time.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from django.db import transaction
from django.utils import timezone

from xinfang.core import clock
from xinfang.core.calendar import is_rest_day
from xinfang.core.deadlines import DeadlineState, deadline_rule_get, due_date_compute
from xinfang.core.errors import Conflict, NotFound
from xinfang.core.identity import id_number_check_digit
from xinfang.core.models import Case, Category
from xinfang.core.selectors import cases_filter
from xinfang.core.services import case_transition
from xinfang.orgs.models import DataScope, Unit, UnitLevel, User
from xinfang.orgs.services import user_create
from xinfang.petitions.models import ReceptionDay
from xinfang.petitions.services import petition_register, petitions_close_lapsed, portal_unit, \
    reception_case_link, reception_day_create
from xinfang.petitions.workflow import STATES
from xinfang.notifications.services import notifications_deadlines_send, notifications_history_settle
from xinfang.search.demo import similar_demo_corpus_plan
from xinfang.assessments.demo import assessment_demo_plan
from xinfang.disputes.demo import dispute_demo_plan
from xinfang.hazards.demo import hazard_demo_plan
from xinfang.supervision.demo import supervision_demo_plan
from xinfang.emergencies.demo import emergencies_demo_plan
from xinfang.campaigns.demo import campaigns_demo_plan
from xinfang.meetings.demo import meetings_demo_plan
from xinfang.accountability.demo import accountability_demo_plan
from xinfang.community_board.demo import community_board_demo_plan
from xinfang.intake.selectors import categories_suggest
from xinfang.intake.services import routing_rules_demo_seed

DATA_DIR = Path(__file__).resolve().parent / "data"
PASSWORD = "demo12345"
FIRST_DAY = dt.date(2025, 1, 6)   # the demo's history starts in the first working week of 2025
DEFAULT_SEED = 20250106
DEFAULT_COUNT = 300

# --- the unit tree ----------------------------------------------------------------------

# (name, short_code, username suffix of its staff, 一级标签 it handles)
DEPARTMENTS = [
    ("示范区住建局", "SFQZJJ", "zjj", "城乡建设"),
    ("示范区人社局", "SFQRSJ", "rsj", "劳动和社会保障"),
    ("示范区教育局", "SFQJYJ", "jyj", "教育文体"),
    ("示范区市场监管局", "SFQSCJGJ", "scjgj", "商贸旅游"),
    ("示范区自然资源局", "SFQZRZYJ", "zrzyj", ""),
    ("示范区城管局", "SFQCGJ", "cgj", "环境保护"),
    ("示范区卫健委", "SFQWJW", "wjw", "卫生计生"),
    ("示范区交通运输局", "SFQJTYSJ", "jtysj", "交通运输"),
]

# (name, short_code, [(community, number of grids)])
STREETS = [
    ("东山街道", "DSJD", [("青松社区", 2), ("翠竹社区", 1), ("明珠社区", 2)]),
    ("西湖街道", "XHJD", [("荷花社区", 2), ("柳岸社区", 1)]),
    ("南港街道", "NGJD", [("海港社区", 1), ("渔湾社区", 2), ("新港社区", 1)]),
    ("北苑街道", "BYJD", [("北园社区", 1), ("春晖社区", 2)]),
]

# --- the logins -------------------------------------------------------------------------

# (username, 姓名, unit short_code, roles, data scope, what to try)
LOGINS = [
    ("registrar", "李明", "SFQXFJ", ["registrar"], DataScope.SUBTREE,
     "区信访局登记：来信来访登记、交办/转送、不予受理、并案、领导接访日"),
    ("handler", "王芳", "DSJD", ["handler"], DataScope.OWN_UNIT,
     "东山街道承办：受理、申请延期、提交处理意见"),
    ("reviewer", "张伟", "DSJD", ["reviewer"], DataScope.OWN_UNIT,
     "东山街道审核：指定承办人、批准延期、中止、审核处理意见"),
    ("handler_zjj", "刘洋", "SFQZJJ", ["handler"], DataScope.OWN_UNIT,
     "住建局承办：物业、房屋、小区配套等事项"),
    ("reviewer_zjj", "陈静", "SFQZJJ", ["reviewer"], DataScope.OWN_UNIT,
     "住建局审核：审核处理意见、延期审批"),
    ("district_reviewer", "赵强", "SFQ", ["reviewer", "registrar"], DataScope.OWN_UNIT,
     "区级复查：受理复查申请、出具复查意见"),
    ("city_reviewer", "孙丽", "SFS", ["reviewer", "registrar"], DataScope.OWN_UNIT,
     "市级复核：受理复核、复核听证、出具复核意见（终结）"),
    ("city_registrar", "周敏", "SFSXFJ", ["registrar"], DataScope.SUBTREE,
     "市信访局登记：越级到市的来信来访登记，向下交办"),
    ("leader", "吴建国", "SFQ", ["leader"], DataScope.ALL,
     "区领导：包案、接访日、全区超期与疑难事项"),
    ("supervisor", "郑红", "SFQ", ["supervisor"], DataScope.ALL,
     "督查督办：查看全区超期、临期事项"),
    ("mediator", "冯磊", "DSJD01G1", ["mediator"], DataScope.OWN_UNIT,
     "网格员：网格内矛盾纠纷排查化解"),
    ("mediator_qs", "林秀英", "DSJD01", ["mediator"], DataScope.SUBTREE,
     "青松社区人民调解员：社区矛盾纠纷调解、调解协议、回访"),
    ("inspector", "何勇", "DSJD", ["inspector"], DataScope.SUBTREE,
     "安全检查员：东山街道安全隐患排查"),
    ("admin", "系统管理员", "SFQXFJ", ["admin"], DataScope.ALL,
     "后台管理（/admin/）：单位、用户、分类、期限规则、节假日"),
]

STAFF_NAMES = ["黄磊", "杨帆", "马丽", "朱军", "胡静", "郭涛", "林娜", "罗斌", "梁晨", "谢婷", "宋洁", "唐亮",
               "许超", "韩雪", "邓辉", "曹颖", "彭飞", "曾琳", "肖鹏", "田甜", "董浩", "袁媛"]

# --- people and texts -------------------------------------------------------------------

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
            "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏宇浩凯晨欣怡梓涵子轩雨佳瑞"
         "海燕春梅金凤立新德福永庆宝成俊峰晓东丹阳光荣淑珍")
REGION_CODES = ["370202", "370202", "370202", "370203", "370211", "370212", "370213", "370214"]
PHONE_PREFIXES = ["133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "158", "159", "166",
                  "177", "180", "182", "183", "186", "187", "188", "189", "199"]
ESTATES = ["幸福里小区", "锦绣花园", "阳光新城", "滨海名苑", "银杏家园", "和平里", "翠湖湾", "金色港湾", "书香门第",
           "新华村", "东方明珠小区", "建设路宿舍"]

LEGAL_BASIS = {
    "城乡建设": "《物业管理条例》、《城市房地产管理法》、《信访工作条例》第三十二条",
    "劳动和社会保障": "《劳动合同法》、《社会保险法》、《保障农民工工资支付条例》",
    "教育文体": "《义务教育法》、《民办教育促进法》、《信访工作条例》第三十二条",
    "商贸旅游": "《消费者权益保护法》、《价格法》、《食品安全法》",
    "环境保护": "《噪声污染防治法》、《大气污染防治法》、《城市市容和环境卫生管理条例》",
    "卫生计生": "《基本医疗卫生与健康促进法》、《医疗纠纷预防和处理条例》",
    "交通运输": "《道路交通安全法》、《道路运输条例》、《城市公共交通条例》",
}
FACTS = {
    "support": "经{unit}调查核实，信访人反映的“{topic}”问题基本属实。已责成有关单位制定整改方案并限期落实，"
               "整改情况将及时告知信访人。",
    "explain": "经{unit}调查核实，信访人反映的“{topic}”涉及的事项已有明确政策规定，工作人员已当面向信访人"
               "解释有关政策和办理程序，并告知后续咨询渠道。",
    "reject": "经{unit}调查核实，信访人反映的“{topic}”问题与事实不符，所提诉求缺乏法律政策依据，不予支持。",
}
REVIEW_FACTS = {
    "uphold": "经复查，原处理意见认定事实清楚、适用依据正确、程序合法，予以维持。",
    "revise": "经复查，原处理意见对部分事实认定不够充分，现予以变更，责成原办理单位重新处理。",
}
DECLINE_REASONS = {
    "litigation": "信访人反映的事项属于合同纠纷，依法应当通过诉讼途径解决，已告知其向人民法院提起诉讼"
                  "（《信访工作条例》第三十一条）。",
    "arbitration": "信访人反映的劳动报酬争议属于劳动争议，应先向劳动人事争议仲裁委员会申请仲裁，已书面告知。",
    "reconsideration": "信访人对行政机关作出的具体行政行为不服，依法可以申请行政复议，已告知复议机关和申请期限。",
    "discipline": "信访人检举公职人员违纪违法问题，属于纪检监察机关受理范围，已告知其向区纪委监委反映。",
    "concluded": "该信访事项已经复核终结，信访人以同一事实和理由再次提出，依照《信访工作条例》第三十六条不再受理。",
}
RATE_COMMENTS = {
    "satisfied": ["问题已经解决，感谢工作人员。", "答复及时，态度很好。", "办理认真，非常满意。"],
    "basic": ["基本解决，希望后续跟进。", "答复清楚，但办理时间较长。"],
    "unsatisfied": ["问题没有实际解决。", "答复避重就轻，不认可调查结论。", "对处理结果不满意，将申请复查。"],
}

# Which department an accusation names, by a word in its text (else the place's community).
ACCUSED_WORDS = [("城管", "SFQCGJ"), ("学校", "SFQJYJ"), ("教育", "SFQJYJ"), ("医院", "SFQWJW"),
                 ("卫生", "SFQWJW"), ("社保", "SFQRSJ"), ("人社", "SFQRSJ"), ("住建", "SFQZJJ"),
                 ("房产", "SFQZJJ"), ("运输", "SFQJTYSJ"), ("交通", "SFQJTYSJ"), ("工商", "SFQSCJGJ"),
                 ("市场监管", "SFQSCJGJ"), ("国土", "SFQZRZYJ"), ("规划", "SFQZRZYJ")]

CHANNELS = ["visit", "letter", "web", "phone", "fax", "higher"]
COLLECTIVE_WORDS = ("业主", "村民", "职工", "工人", "家长", "居民", "农民工")


ON_SPOT_OUTCOMES = [
    "经当场查询，信访人反映的社保缴费记录已补录，现场打印缴费明细交信访人，信访人表示认可。",
    "当场联系所在街道，明确了住房维修基金申请的办理窗口和所需材料，信访人表示清楚。",
    "现场解释了相关政策规定和办理流程，并出具书面告知，信访人表示理解。",
    "当场协调相关部门，确认了补贴发放时间，信访人表示满意。",
]


def _localise(text: str) -> str:
    """The organisers' anonymised places (A市, A3区, E8县, C4市) become the demo's own."""
    text = text.replace("\u200b", "").replace("\u3000", " ").strip()
    text = re.sub(r"[A-Z]\d+县城", "示范区城区", text)
    text = re.sub(r"[A-Z]\d+(?:[区县市])+", "示范区", text)
    text = re.sub(r"[A-Z]\d*州", "示范市", text)
    text = re.sub(r"[A-Z]市", "示范市", text)
    text = re.sub(r"(示范市)+", "示范市", text)
    return re.sub(r"(示范区)+", "示范区", text)


@dataclasses.dataclass
class Message:
    title: str
    content: str
    label: str


def _messages() -> list[Message]:
    with open(DATA_DIR / "messages_sample.csv", encoding="utf-8", newline="") as f:
        return [Message(_localise(r["留言主题"])[:200], _localise(r["留言详情"]), r["一级标签"])
                for r in csv.DictReader(f)]


# --- planning ---------------------------------------------------------------------------

@dataclasses.dataclass
class Step:
    action: str
    actor: str            # reg / handler / reviewer / upper / leader / public / system
    lo: int = 0           # days after the previous step
    hi: int = 0
    payload: dict | Callable[["Plan", Case], dict] | None = None
    at: dt.datetime | None = None


@dataclasses.dataclass
class Plan:
    fate: str
    msg: Message
    data: dict
    public: bool                    # submitted by the petitioner on the portal
    target: Unit | None = None      # the unit that handles it
    steps: list[Step] = dataclasses.field(default_factory=list)
    open_until: dt.date | None = None   # the last day it is certainly still open
    case: Case | None = None
    owned: bool = False

    def day(self, i: int = 0) -> dt.date:
        return self.steps[i].at.date()

    def first(self, action: str) -> int:
        return next(i for i, s in enumerate(self.steps) if s.action == action)


_CLOSING = {"decline", "merge_as_repeat", "record_receipt", "close", "answer_rereview", "resolve_on_spot"}


class Builder:
    def __init__(self, *, seed: int, count: int, today: dt.date):
        self.seed = seed
        self.rng = random.Random(seed)
        self._corpus_rng = random.Random(seed + 1)
        self.count = count
        self.today = today
        self.units: dict[str, Unit] = {}
        self.staff: dict[int, dict[str, User]] = {}
        self.logins: list[dict] = []
        self.plans: list[Plan] = []
        self.messages = _messages()
        self.used_messages: set[int] = set()
        self.leaves: dict[str, list[tuple[Category, str, str]]] = {}
        self.ids_used: set[str] = set()
        self.rules: dict[str, Any] = {}
        self.candidates: dict[tuple, list[dt.date]] = {}
        self.staff_logins: list[dict] = []
        self.channels_used: set[str] = set()
        self.done_once: set[str] = set()

    def once(self, key: str) -> bool:
        """True the first time: makes sure even a small demo shows each kind of thing."""
        if key in self.done_once:
            return False
        self.done_once.add(key)
        return True

    # --- configuration: units, users, categories --------------------------------------

    def units_build(self) -> None:
        def add(name, code, level, parent=None, division=""):
            unit = Unit.objects.create(name=name, short_code=code, level=level, parent=parent,
                                       division_code=division)
            unit.refresh_from_db()
            self.units[code] = unit
            return unit

        city = add("示范市", "SFS", UnitLevel.CITY, division="370200")
        add("示范市信访局", "SFSXFJ", UnitLevel.BUREAU, city)
        district = add("示范区", "SFQ", UnitLevel.DISTRICT, city, "370202")
        add("示范区信访局", "SFQXFJ", UnitLevel.BUREAU, district)
        for name, code, _, _ in DEPARTMENTS:
            add(name, code, UnitLevel.DEPARTMENT, district)
        for s, (name, code, communities) in enumerate(STREETS, start=1):
            street = add(name, code, UnitLevel.STREET, district, f"370202{s:03d}")
            for c, (cname, grids) in enumerate(communities, start=1):
                community = add(cname, f"{code}{c:02d}", UnitLevel.COMMUNITY, street, f"370202{s:03d}{c:03d}")
                for g in range(1, grids + 1):
                    add(f"{cname}第{g}网格", f"{code}{c:02d}G{g}", UnitLevel.GRID, community)
        add("示范市中级人民法院", "SFSZY", UnitLevel.ORGAN, city)
        add("示范市公安局", "SFSGAJ", UnitLevel.ORGAN, city)

    def users_build(self) -> None:
        def add(username, name, code, roles, scope, hint, main=True):
            unit = self.units[code]
            user = user_create(actor=None, username=username, password=PASSWORD, unit=unit, roles=roles,
                               display_name=name, data_scope=scope)
            for role in roles:
                self.staff.setdefault(unit.pk, {}).setdefault(role, user)
            (self.logins if main else self.staff_logins).append({"username": username, "name": name, "unit": unit.name,
                                "roles": "、".join(user.roles.get(code=r).name for r in roles), "try": hint})

        for row in LOGINS:
            add(*row)
        # Every other street and department gets a handler and a reviewer, so matters
        # can be handed to the unit they belong to.
        names = iter(STAFF_NAMES)
        others = [(n, c, c[3:].lower() if c.startswith("SFQ") else c.lower()) for n, c, *_ in DEPARTMENTS]
        others += [(n, c, c.lower()) for n, c, _ in STREETS]
        for unit_name, code, suffix in others:
            if code in ("DSJD", "SFQZJJ"):
                continue
            add(f"handler_{suffix}", next(names), code, ["handler"], DataScope.OWN_UNIT, "", main=False)
            add(f"reviewer_{suffix}", next(names), code, ["reviewer"], DataScope.OWN_UNIT, "", main=False)

    def categories_build(self) -> None:
        """The 3-level taxonomy (kept if already there); leaves indexed by 一级分类 for matching
        messages. Written a level at a time: ~560 rows, the slowest part otherwise."""
        with open(DATA_DIR / "categories_3level.csv", encoding="utf-8", newline="") as f:
            paths = [tuple(row[k].strip() for k in ("一级分类", "二级分类", "三级分类")) for row in csv.DictReader(f)]
        nodes: dict[tuple, Category] = {}
        for depth in (1, 2, 3):
            wanted = list(dict.fromkeys(path[:depth] for path in paths))
            parents = {key: nodes[key[:-1]] if depth > 1 else None for key in wanted}
            existing = {(c.parent_id, c.name): c for c in Category.objects.filter(level=depth)}
            new = []
            for i, key in enumerate(wanted):
                parent = parents[key]
                found = existing.get((parent.pk if parent else None, key[-1]))
                if found is None:
                    siblings = sum(1 for k in wanted[:i] if k[:-1] == key[:-1])
                    found = Category(parent=parent, name=key[-1], level=depth,
                                     code=(parent.code + "." if parent else "") + f"{siblings + 1:02d}")
                    new.append(found)
                nodes[key] = found
            Category.objects.bulk_create(new)
            if new and new[0].pk is None:   # backends that do not return ids
                by_key = {(c.parent_id, c.name): c for c in Category.objects.filter(level=depth)}
                for key in wanted:
                    parent = parents[key]
                    nodes[key] = by_key[(parent.pk if parent else None, key[-1])]
        for path in paths:
            self.leaves.setdefault(path[0], []).append((nodes[path], path[1], path[2]))

    # --- people, texts, routing -----------------------------------------------------

    def person(self, *, representative: bool = False, with_id: bool = True) -> dict:
        rng = self.rng
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        while True:
            born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 52 * 365))
            first17 = f"{rng.choice(REGION_CODES)}{born:%Y%m%d}{rng.randrange(1, 1000):03d}"
            id_number = first17 + id_number_check_digit(first17)
            if id_number not in self.ids_used:
                self.ids_used.add(id_number)
                break
        street, _, communities = rng.choice(STREETS)
        community = rng.choice(communities)[0]
        address = (f"示范区{street}{community}{rng.choice(ESTATES)}{rng.randint(1, 30)}栋"
                   f"{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室")
        phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(0, 10 ** 8):08d}"
        return {"name": name, "id_number": id_number if with_id else "", "phone": phone, "address": address,
                "is_representative": representative}

    def message(self, *, want: Callable[[Message], bool] | None = None) -> Message:
        order = list(range(len(self.messages)))
        self.rng.shuffle(order)
        fresh = [i for i in order if i not in self.used_messages]
        for pool in (fresh, order):
            for i in pool:
                if want is None or want(self.messages[i]):
                    self.used_messages.add(i)
                    return self.messages[i]
        return self.messages[order[0]]

    def category_for(self, msg: Message) -> Category:
        """The leaf under the message's label whose names share the most two-character words
        with it (the title counts most), else the label's 其他."""
        leaves = self.leaves.get(msg.label) or [x for v in self.leaves.values() for x in v]

        def grams(text: str) -> set[str]:
            return {text[i:i + 2] for i in range(len(text) - 1)} - {"其他", "其它"}

        title, body = grams(msg.title), grams(msg.content)

        def score(leaf) -> int:
            _, second, third = leaf
            return sum(3 * (g in title) + (g in body) for g in grams(third)) * 2 + \
                sum(3 * (g in title) + (g in body) for g in grams(second))

        best = max(score(leaf) for leaf in leaves)
        if best == 0:
            others = [leaf for leaf in leaves if leaf[1] == "其他"] or leaves
            return self.rng.choice(others)[0]
        return self.rng.choice([leaf for leaf in leaves if score(leaf) == best])[0]

    def department_for(self, label: str) -> Unit:
        code = next((c for _, c, _, lab in DEPARTMENTS if lab == label), "SFQZJJ")
        return self.units[code]

    def street_of(self, unit: Unit) -> Unit:
        while unit.level != UnitLevel.STREET:
            unit = unit.parent
        return unit

    # --- the fates ------------------------------------------------------------------

    def plan_new(self, fate: str, *, channel: str | None = None, collective: bool = False,
                 accusation: bool = False, skip_level: bool = False, label: str | None = None) -> Plan:
        rng = self.rng
        if accusation:
            msg = self.message(want=lambda m: "举报" in m.title)
        elif collective:
            msg = self.message(want=lambda m: "我们" in m.content and any(w in m.content for w in COLLECTIVE_WORDS))
        elif label:
            msg = self.message(want=lambda m: m.label == label)
        else:
            msg = self.message(want=lambda m: "举报" not in m.title)
        if channel is None:
            unused = [c for c in CHANNELS if c not in self.channels_used]
            channel = unused[0] if unused else rng.choices(CHANNELS, weights=[30, 20, 25, 15, 3, 7])[0]
        if collective or skip_level:
            channel = "visit"
        self.channels_used.add(channel)
        place = rng.choice([u for u in self.units.values() if u.level in (UnitLevel.COMMUNITY, UnitLevel.GRID)])
        if collective:
            reps = rng.randint(2, 5)
            petitioners = [self.person(representative=True) for _ in range(reps)]
            person_count = rng.choice([6, 8, 12, 15, 20, 30, 45, 60])
        else:
            petitioners = [self.person(with_id=channel not in ("phone", "web") or rng.random() < 0.3)]
            person_count = 1
        claim_type = "request"
        if accusation:
            claim_type = "accusation"
        elif "建议" in msg.title:
            claim_type = "suggestion"
        data = {
            "title": msg.title, "content": msg.content, "channel": channel, "claim_type": claim_type,
            "person_count": person_count, "is_skip_level": skip_level,
            "reception_level": rng.choice(["city", "province"]) if skip_level else
            ("city" if channel == "higher" else "district"),
            "category_id": self.category_for(msg).pk, "place_unit_id": place.pk,
            "petitioners": petitioners,
        }
        if accusation:
            text = msg.title + msg.content
            code = next((c for w, c in ACCUSED_WORDS if w in text), None)
            data["accused_unit_id"] = (self.units[code] if code else place if place.level == UnitLevel.COMMUNITY
                                       else place.parent).pk
        target = self.department_for(msg.label) if rng.random() < 0.55 else self.street_of(place)
        if accusation and target.is_within(Unit.objects.get(pk=data["accused_unit_id"])):
            target = self.street_of(place) if target.level == UnitLevel.DEPARTMENT else self.department_for(msg.label)
        plan = Plan(fate=fate, msg=msg, data=data, public=channel == "web", target=target)
        self.plans.append(plan)
        return plan

    # Scripts: each adds steps to a plan; the dates are laid out later.

    def s_register(self, p: Plan) -> None:
        p.steps.append(Step("register", "public" if p.public else "reg"))

    def s_route(self, p: Plan, *, detour: bool = False) -> None:
        """交办 to the unit it belongs to; sometimes first to a wrong one that objects (退回)."""
        if detour:
            wrong = self.rng.choice([u for u in self.units.values()
                                     if u.level in (UnitLevel.STREET, UnitLevel.DEPARTMENT) and u != p.target
                                     and not (p.data.get("accused_unit_id") and
                                              u.is_within(Unit.objects.get(pk=p.data["accused_unit_id"])))])
            p.steps.append(Step("assign", "reg", 0, 3, {"unit_id": wrong.pk, "note": "请依职责办理。"}))
            p.steps.append(Step("object", "handler", 1, 4, {
                "reason": f"该事项属于{p.target.name}职责范围，不属本单位职责，请重新交办。"}))
        p.steps.append(Step("assign", "reg", 0, 3, {"unit_id": p.target.pk, "note": "请依职责办理，按期答复。"}))

    def s_accept(self, p: Plan) -> None:
        p.steps.append(Step("accept", "handler", 1, 6, {"note": "属本单位职责，予以受理。"}))
        if self.rng.random() < 0.6:
            p.steps.append(Step("designate_handler", "reviewer", 0, 1,
                                lambda plan, case: {"user_id": self.staff[case.owner_unit_id]["handler"].pk}))

    def s_extension(self, p: Plan, *, approve: bool | None = True, lo: int = 35, hi: int = 55,
                    days: int | None = None) -> None:
        days = days or self.rng.choice([15, 20, 30, 30])
        p.steps.append(Step("request_extension", "handler", lo, hi, {
            "days": days, "reason": "事项涉及多个部门，需进一步调查核实，申请延长办理期限。"}))
        if approve is True:
            p.steps.append(Step("approve_extension", "reviewer", 1, 3,
                                {"days": days, "note": "同意延期，已书面告知信访人。"}))
        elif approve is False:
            p.steps.append(Step("refuse_extension", "reviewer", 1, 3,
                                {"reason": "现有材料足以作出处理意见，不同意延期，请按期办结。"}))

    def s_answer(self, p: Plan, *, decision: str | None = None, returned: bool = False,
                 lo: int = 8, hi: int = 40) -> None:
        decision = decision or self.rng.choices(["support", "explain", "reject"], weights=[45, 35, 20])[0]

        def answer(plan: Plan, case: Case) -> dict:
            topic = plan.msg.title[:30]
            return {"decision": decision, "facts": FACTS[decision].format(unit=case.owner_unit.name, topic=topic),
                    "legal_basis": LEGAL_BASIS.get(plan.msg.label, "《信访工作条例》第三十二条"),
                    "text": f"关于“{topic}”的处理意见：" + FACTS[decision].format(unit=case.owner_unit.name,
                                                                            topic=topic)}
        p.steps.append(Step("submit_answer", "handler", lo, hi, answer))
        if returned:
            p.steps.append(Step("return_answer", "reviewer", 1, 3,
                                {"reason": "处理意见未写明法律政策依据的具体条款，请补充后重新提交。"}))
            p.steps.append(Step("submit_answer", "handler", 1, 5, answer))
        p.steps.append(Step("approve_answer", "reviewer", 1, 4, {"note": "审核通过，已送达信访人。"}))

    def s_rate(self, p: Plan, level: str, *, lo: int = 1, hi: int = 7) -> None:
        p.steps.append(Step("rate", "public", lo, hi,
                            {"level": level, "comment": self.rng.choice(RATE_COMMENTS[level])}))

    def s_handle(self, p: Plan, *, until: str = "approve_answer", terminal: bool = True) -> None:
        """From registration to the delivered answer (or an earlier step), with the usual detours."""
        rng = self.rng
        self.s_register(p)
        self.s_route(p, detour=rng.random() < 0.1)
        self.s_accept(p)
        if until == "accept":
            return
        if terminal and rng.random() < 0.12:
            self.s_extension(p, approve=rng.random() < 0.8, lo=20, hi=45)
        if terminal and rng.random() < 0.08:
            p.steps.append(Step("suspend", "reviewer", 5, 15, {"reason": "需组织听证，中止办理。"}))
            p.steps.append(Step("resume", "reviewer", 7, 20, {"note": "听证已结束，恢复办理。"}))
        if until == "submit_answer":
            p.steps.append(Step("submit_answer", "handler", 5, 30, lambda plan, case: {
                "decision": "explain", "facts": FACTS["explain"].format(unit=case.owner_unit.name,
                                                                      topic=plan.msg.title[:30]),
                "legal_basis": LEGAL_BASIS.get(plan.msg.label, "《信访工作条例》第三十二条"), "text": ""}))
            return
        self.s_answer(p, returned=rng.random() < 0.12,
                      decision="reject" if until != "approve_answer" else None)

    def s_review(self, p: Plan, *, until: str = "answer_review", decision: str = "uphold") -> None:
        if self.once("rate_unsatisfied") or self.rng.random() < 0.5:
            self.s_rate(p, "unsatisfied", lo=1, hi=5)
        who = self.rng.choice(["public", "reg"])
        p.steps.append(Step("request_review", who, 3, 18, {"reason": "对处理意见不服，申请复查。"}))
        if until == "request_review":
            return
        p.steps.append(Step("accept_review", "upper", 1, 5, {"note": "符合复查受理条件，予以受理。"}))
        if until == "accept_review":
            return
        p.steps.append(Step("answer_review", "upper", 10, 25, {
            "decision": decision, "facts": REVIEW_FACTS[decision], "legal_basis": "《信访工作条例》第三十五条",
            "text": "复查意见：" + REVIEW_FACTS[decision]}))

    def s_rereview(self, p: Plan, *, until: str = "answer_rereview") -> None:
        if self.rng.random() < 0.5:
            p.steps.append(Step("rate", "public", 1, 4, {"level": "unsatisfied", "comment": "对复查意见仍不满意。"}))
        p.steps.append(Step("request_rereview", self.rng.choice(["public", "reg"]), 3, 18,
                            {"reason": "对复查意见不服，申请复核。"}))
        if until == "request_rereview":
            return
        p.steps.append(Step("accept_rereview", "upper", 1, 5, {"note": "符合复核受理条件，予以受理。"}))
        if until == "accept_rereview":
            return
        hearing = until == "suspend_rereview" or self.rng.random() < 0.3
        if hearing:
            p.steps.append(Step("suspend_rereview", "upper", 3, 10, {"reason": "组织听证，听证期间不计入复核期限。"}))
            if until == "suspend_rereview":
                return
            p.steps.append(Step("resume_rereview", "upper", 5, 15, {"note": "听证结束，恢复复核。"}))
        p.steps.append(Step("answer_rereview", "upper", 5, 20, {
            "decision": "uphold", "facts": "经复核，原处理意见和复查意见认定事实清楚、依据正确，予以维持。本复核意见为终结意见。",
            "legal_basis": "《信访工作条例》第三十六条", "text": "复核意见：维持。信访人以同一事实和理由再次提出的，不再受理。"}))

    # when: ("past", margin days before today) / ("ago", action, lo, hi) / ("due", action, rule, extra_days, lo, hi)

    def fate_script(self, p: Plan) -> tuple:
        f, rng = p.fate, self.rng
        if f == "on_spot":
            # 现场办结: resolved at the window the day it came in, the petitioner signing for it
            self.s_register(p)
            outcome = rng.choice(ON_SPOT_OUTCOMES)
            p.steps.append(Step("resolve_on_spot", "reg", 0, 0, {
                "occasion": "window", "outcome": outcome, "acknowledgement": rng.choice(["signed", "oral"]),
                "satisfaction": rng.choice(["satisfied", "satisfied", "basic", None])}))
            return ("past", 1)
        if f.startswith("registered"):
            self.s_register(p)
            return {"registered_recent": ("ago", "register", 1, 10),
                    "registered_due_soon": ("due", "register", "acceptance_notice", 0, 0, 3),
                    "registered_overdue": ("ago", "register", 18, 45)}[f]
        if f.startswith("assigned"):
            self.s_register(p)
            self.s_route(p)
            return ("ago", "assign", 1, 3) if f == "assigned" else ("ago", "assign", 14, 30)
        if f in ("transferred", "closed_transfer"):
            self.s_register(p)
            organ = self.units[rng.choice(["SFSZY", "SFSGAJ"])]
            p.steps.append(Step("transfer", "reg", 0, 3, {
                "unit_id": organ.pk, "note": f"该事项属{organ.name}职权范围，依法转送。"}))
            if f == "transferred":
                return ("ago", "transfer", 1, 4)
            p.steps.append(Step("record_receipt", "reg", 3, 10, {"note": f"{organ.name}已签收。"}))
            return ("past", 3)
        if f.startswith("accepted"):
            self.s_handle(p, until="accept")
            if f == "accepted":
                return ("ago", "accept", 3, 50)
            if f == "accepted_due_soon":
                return ("due", "accept", "handling", 0, 0, 3)
            if f == "accepted_overdue":
                return ("ago", "accept", 65, 160)
            self.s_extension(p, approve=True, days=30)
            if f == "accepted_extended":
                return ("due", "accept", "handling", 30, 4, 25)
            return ("due", "accept", "handling", 30, -25, -2)
        if f == "extension_requested":
            self.s_handle(p, until="accept")
            self.s_extension(p, approve=None)
            return ("ago", "request_extension", 1, 5)
        if f == "suspended":
            self.s_handle(p, until="accept")
            p.steps.append(Step("suspend", "reviewer", 8, 30, {"reason": "需组织听证，中止办理。"}))
            return ("ago", "suspend", 3, 40)
        if f == "answer_pending":
            self.s_handle(p, until="submit_answer", terminal=False)
            return ("ago", "submit_answer", 1, 4)
        if f == "answered":
            self.s_handle(p, terminal=False)
            if rng.random() < 0.5:
                self.s_rate(p, rng.choice(["basic", "unsatisfied"]), lo=1, hi=3)
            return ("ago", "approve_answer", 4, 25)
        if f in ("review_requested", "under_review", "under_review_overdue", "reviewed", "closed_review"):
            self.s_handle(p, until="review")
            until = {"review_requested": "request_review", "under_review": "accept_review",
                     "under_review_overdue": "accept_review"}.get(f, "answer_review")
            self.s_review(p, until=until)
            if f == "closed_review":
                if rng.random() < 0.5:
                    self.s_rate(p, rng.choice(["satisfied", "basic"]), lo=2, hi=10)
                    p.steps.append(Step("close", "reg", 1, 5, {"note": "信访人对复查意见表示认可，办结。"}))
                return ("past", 40)   # otherwise the nightly run closes it when the 复核 window lapses
            return {"review_requested": ("ago", "request_review", 1, 8),
                    "under_review": ("ago", "accept_review", 3, 25),
                    "under_review_overdue": ("ago", "accept_review", 33, 50),
                    "reviewed": ("ago", "answer_review", 2, 25)}[f]
        if f in ("rereview_requested", "under_rereview", "rereview_suspended", "concluded"):
            self.s_handle(p, until="review")
            self.s_review(p)
            until = {"rereview_requested": "request_rereview", "under_rereview": "accept_rereview",
                     "rereview_suspended": "suspend_rereview"}.get(f, "answer_rereview")
            self.s_rereview(p, until=until)
            if f == "concluded":
                if rng.random() < 0.5:
                    self.s_rate(p, rng.choice(["basic", "unsatisfied"]), lo=2, hi=8)
                return ("past", 30)   # leaves time for a petitioner to come back (已终结)
            return {"rereview_requested": ("ago", "request_rereview", 1, 8),
                    "under_rereview": ("ago", "accept_rereview", 3, 25),
                    "rereview_suspended": ("ago", "suspend_rereview", 3, 30)}[f]
        if f == "closed_satisfied":
            self.s_handle(p)
            level = "satisfied" if self.once("rate_satisfied") else "basic" if self.once("rate_basic") else \
                rng.choice(["satisfied", "satisfied", "basic"])
            self.s_rate(p, level)
            p.steps.append(Step("close", "reg", 1, 5, {"note": "信访人对处理意见表示满意，办结。"}))
            return ("past", 3)
        if f == "closed_lapsed":
            self.s_handle(p)
            if rng.random() < 0.5:
                self.s_rate(p, rng.choice(["basic", "unsatisfied"]), lo=1, hi=10)
            return ("past", 40)     # the nightly run closes it when the 复查 window lapses
        if f.startswith("declined_"):
            channel = f.removeprefix("declined_")
            self.s_register(p)
            p.steps.append(Step("decline", "reg", 0, 5, {"channel": channel, "reason": DECLINE_REASONS[channel]}))
            return ("past", 3)
        raise ValueError(f"unknown fate {f}")

    # --- dates ----------------------------------------------------------------------

    def _workday(self, day: dt.date, step: int) -> dt.date:
        while is_rest_day(day):
            day += dt.timedelta(days=step)
        return day

    def _lay_out(self, p: Plan, anchor: int, day: dt.date) -> list[dt.date]:
        """Dates for each step: the anchor step on `day`, earlier steps backwards, later forwards.
        Staff work on working days; the public act any day."""
        n = len(p.steps)
        delays = [self.rng.randint(s.lo, s.hi) for s in p.steps]
        days: list[dt.date | None] = [None] * n
        staff = [s.actor not in ("public", "system") for s in p.steps]
        days[anchor] = self._workday(day, -1) if staff[anchor] else day
        for i in range(anchor - 1, -1, -1):
            d = days[i + 1] - dt.timedelta(days=delays[i + 1])
            days[i] = self._workday(d, -1) if staff[i] else d
        for i in range(anchor + 1, n):
            d = days[i - 1] + dt.timedelta(days=delays[i])
            days[i] = self._workday(d, 1) if staff[i] else d
        return days

    def _times(self, p: Plan, days: list[dt.date]) -> None:
        prev = None
        for step, day in zip(p.steps, days):
            if step.actor == "public":
                minutes = self.rng.randint(7 * 60, 22 * 60)
            else:
                minutes = self.rng.choice([self.rng.randint(8 * 60 + 30, 11 * 60 + 45),
                                           self.rng.randint(14 * 60, 17 * 60 + 20)])
            at = timezone.make_aware(dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes))
            if prev is not None and at <= prev:
                at = prev + dt.timedelta(minutes=self.rng.randint(10, 90))
            step.at = prev = at

    def _due(self, rule: str, start: dt.date, extra: int) -> dt.date:
        if rule not in self.rules:
            self.rules[rule] = deadline_rule_get(key=rule)
        r = self.rules[rule]
        return due_date_compute(start=start, days=r.length_days + extra, counting=r.counting)[0]

    def _due_candidates(self, when: tuple) -> list[dt.date]:
        """Working days on which starting the clock makes it fall due in the wanted window."""
        if when not in self.candidates:
            _, _, rule, extra, lo, hi = when
            found: list[dt.date] = []
            while not found and hi < when[5] + 10:
                # A window of rest days holds no due date (they move off holidays): widen it.
                found = [d for d in (self.today - dt.timedelta(days=k) for k in range(1, 200))
                         if not is_rest_day(d) and lo <= (self._due(rule, d, extra) - self.today).days <= hi]
                hi += 1
            self.candidates[when] = found
        return self.candidates[when]

    def schedule(self, p: Plan, when: tuple) -> None:
        last_ok = self.today - dt.timedelta(days=when[1] if when[0] == "past" else 1)
        for attempt in range(60):
            if when[0] == "past":
                anchor = 0
                span = (last_ok - FIRST_DAY).days
                day = FIRST_DAY + dt.timedelta(days=self.rng.randrange(0, max(span, 1)))
            else:
                anchor = p.first(when[1])
                if when[0] == "ago":
                    day = self.today - dt.timedelta(days=self.rng.randint(when[2], when[3]))
                else:
                    day = self.rng.choice(self._due_candidates(when))
            days = self._lay_out(p, anchor, day)
            if when[0] == "due" and days[anchor] != day:
                continue
            if days[-1] <= last_ok and days[0] >= FIRST_DAY:
                break
        else:
            raise RuntimeError(f"demo: could not place {p.fate} in time")
        self._times(p, days)
        p.data["received_date"] = days[0]
        closing = [s.at.date() for s in p.steps if s.action in _CLOSING]
        if closing:
            p.open_until = closing[0] - dt.timedelta(days=1)
        elif when[0] == "past":
            # the nightly run closes it once the 30-day window after the last answer lapses
            answered = [s.at.date() for s in p.steps if s.action in ("approve_answer", "answer_review")]
            p.open_until = answered[-1] + dt.timedelta(days=25)
        else:
            p.open_until = self.today

    # --- the whole plan -------------------------------------------------------------

    # (fate, at least, weight of the rest)
    FATES = [
        ("registered_recent", 1, 3), ("registered_due_soon", 1, 1), ("registered_overdue", 1, 1),
        ("assigned", 1, 2), ("assigned_overdue", 1, 0.5), ("transferred", 1, 1),
        ("accepted", 2, 7), ("accepted_due_soon", 1, 1.5), ("accepted_overdue", 2, 3),
        ("accepted_extended", 1, 1.5), ("accepted_extended_overdue", 1, 0.5),
        ("extension_requested", 1, 1), ("suspended", 1, 1), ("answer_pending", 1, 2), ("answered", 1, 3),
        ("review_requested", 1, 1), ("under_review", 1, 1), ("under_review_overdue", 1, 0.3),
        ("reviewed", 1, 1), ("rereview_requested", 1, 0.5), ("under_rereview", 1, 0.7),
        ("rereview_suspended", 1, 0.3), ("concluded", 2, 2),
        ("closed_satisfied", 2, 20), ("closed_lapsed", 2, 18), ("closed_review", 1, 4),
        ("closed_transfer", 1, 4),
        ("declined_litigation", 1, 1.5), ("declined_arbitration", 1, 1.5),
        ("declined_reconsideration", 1, 1), ("declined_discipline", 1, 1),
    ]
    DECLINE_LABELS = {"declined_arbitration": "劳动和社会保障", "declined_litigation": "商贸旅游",
                      "declined_reconsideration": "城乡建设"}

    def plans_build(self) -> None:
        rng = self.rng
        n_repeats = max(2, self.count // 60)
        n_followups = max(1, self.count // 150)
        fates = [f for f, least, _ in self.FATES for _ in range(least)]
        rest = self.count - len(fates) - n_repeats - n_followups
        if rest > 0:
            fates += rng.choices([f for f, _, _ in self.FATES], weights=[w for *_, w in self.FATES], k=rest)
        # The first of some fates carries a special kind, so even a small demo shows each.
        firsts = {"accepted": "accusation", "accepted_overdue": "collective", "under_rereview": "collective",
                  "closed_satisfied": "collective", "concluded": "skip_level", "answered": "skip_level",
                  "closed_lapsed": "skip_level", "declined_discipline": "accusation"}
        seen: set[str] = set()
        for fate in fates:
            kw: dict[str, Any] = {}
            if fate == "declined_discipline" or (fate not in seen and fate in firsts):
                kw[firsts[fate]] = True
            elif fate in ("transferred", "closed_transfer"):
                pass
            elif rng.random() < 0.07:
                kw["accusation"] = True
            elif rng.random() < 0.05:
                kw["collective"] = True
            elif rng.random() < 0.04:
                kw["skip_level"] = True
            seen.add(fate)
            if fate in self.DECLINE_LABELS:
                kw["label"] = self.DECLINE_LABELS[fate]
            if fate in ("transferred", "closed_transfer", "declined_discipline"):
                kw["channel"] = rng.choice(["visit", "letter", "phone"])
            p = self.plan_new(fate, **kw)
            self.schedule(p, self.fate_script(p))
        self.plans_repeats(n_repeats)
        self.plans_followups(n_followups)
        self.plans_on_spot(max(2, self.count // 25))

    def plans_on_spot(self, n: int) -> None:
        """现场办结: simple matters a resident brought to the 信访局's window and had settled
        there and then (with a random source of their own, so the rest of the history is
        unchanged)."""
        saved, self.rng = self.rng, random.Random(self.seed + 20)
        try:
            for _ in range(n):
                p = self.plan_new("on_spot", channel="visit")
                self.schedule(p, self.fate_script(p))
        finally:
            self.rng = saved

    def plans_repeats(self, n: int) -> None:
        """重复信访: the same petitioner comes back with the same matter while it is open."""
        rng = self.rng
        # The repeat is registered at the district 信访局, whose registrar merges it: the
        # original must be one it can see (one it registered, not one from the portal).
        candidates = [p for p in self.plans if p.open_until and (p.open_until - p.day()).days >= 12
                      and not p.public and not p.data["is_skip_level"] and p.data["person_count"] == 1]
        for original in rng.sample(candidates, min(n, len(candidates))):
            first = original.day() + dt.timedelta(days=4)
            last = min(original.open_until, self.today - dt.timedelta(days=1)) - dt.timedelta(days=3)
            if last < first:
                continue
            day = first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))
            data = dict(original.data, channel=rng.choice(["visit", "phone", "letter"]), received_date=None,
                        title=original.data["title"], petitioners=[dict(original.data["petitioners"][0])])
            data.pop("accused_unit_id", None)
            data["claim_type"] = "request"
            p = Plan(fate="merged", msg=original.msg, data=data, public=False)
            self.plans.append(p)
            p.steps = [Step("register", "reg"),
                       Step("merge_as_repeat", "reg", 0, 1, lambda plan, case, o=original: {
                           "case_number": o.case.number})]
            days = self._lay_out(p, 0, day)
            if days[-1] > original.open_until or days[-1] >= self.today:
                days = [self._workday(day, -1)] * 2
            self._times(p, days)
            p.data["received_date"] = days[0]
            p.open_until = days[-1] - dt.timedelta(days=1)

    def plans_followups(self, n: int) -> None:
        """已终结: a petitioner whose matter was concluded after 复核 comes back; not accepted again."""
        rng = self.rng
        concluded = sorted((p for p in self.plans if p.fate == "concluded"),
                           key=lambda p: p.steps[p.first("answer_rereview")].at)
        for original in concluded[:n]:
            ended = original.steps[original.first("answer_rereview")].at.date()
            first = ended + dt.timedelta(days=7)
            last = self.today - dt.timedelta(days=2)
            if last < first:
                continue
            day = first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))
            data = dict(original.data, channel="visit", received_date=None,
                        petitioners=[dict(pp) for pp in original.data["petitioners"]])
            data.pop("accused_unit_id", None)
            data["claim_type"], data["is_skip_level"], data["reception_level"] = "request", False, "district"
            p = Plan(fate="declined_concluded", msg=original.msg, data=data, public=False)
            self.plans.append(p)
            p.steps = [Step("register", "reg"),
                       Step("decline", "reg", 0, 0, lambda plan, case, o=original: {
                           "channel": "concluded", "reason": DECLINE_REASONS["concluded"],
                           "concluded_case_number": o.case.number})]
            days = [self._workday(day, -1)] * 2
            self._times(p, days)
            p.data["received_date"] = days[0]
            p.open_until = days[0] - dt.timedelta(days=1)

    # --- execution ------------------------------------------------------------------

    def actor(self, who: str, case: Case | None) -> tuple[User | None, str]:
        if who == "public":
            return None, "public"
        if who == "system":
            return None, "system"
        if who == "leader":
            return self.leader, "staff"
        if case is None:   # registration by staff: the district 信访局
            return self.staff[self.units["SFQXFJ"].pk]["registrar"], "staff"
        if who == "reg":
            return self.staff[case.registered_unit_id]["registrar"], "staff"
        role = {"handler": "handler", "reviewer": "reviewer", "upper": "reviewer"}[who]
        return self.staff[case.owner_unit_id][role], "staff"

    def step_run(self, p: Plan, step: Step) -> None:
        """One step, run while the clock says `step.at` (see history_run)."""
        if step.action == "register":
            actor, kind = self.actor(step.actor, None)
            if kind == "public":
                p.case = petition_register(actor=None, data=p.data, actor_kind="public")
            else:
                p.case = petition_register(actor=actor, data=p.data)
            return
        p.case = self._transition(p, step.action, step.actor, step.payload)

    def _transition(self, p: Plan, action: str, who: str, payload) -> Case:
        # p.case is what the last transition returned; only the nightly run changes a case
        # behind the plan's back, so re-read it just when the engine says it is stale.
        for attempt in (1, 2):
            case = p.case
            actor, kind = self.actor(who, case)
            data = payload(p, case) if callable(payload) else payload
            try:
                return case_transition(case=case, actor=actor, action=action, version=case.version,
                                       payload=data, actor_kind=kind)
            except Conflict:
                if attempt == 2:
                    raise
                case.refresh_from_db()

    def reception_days_plan(self) -> list[tuple[dt.datetime, int, Callable[[], None]]]:
        """Monthly 领导接访日 (around the 10th), two upcoming; visitors' open matters linked,
        and some taken on by the leader (包案)."""
        items = []
        rng = self.rng
        places = ["示范区信访局接待大厅", "东山街道综治中心", "西湖街道便民服务中心", "南港街道综治中心",
                  "北苑街道党群服务中心"]
        topics = ["城乡建设、物业管理", "劳动保障、拖欠工资", "教育、医疗", "环境保护、噪声扰民", "征地拆迁",
                  "交通出行", "市场监管、消费维权"]
        month = dt.date(FIRST_DAY.year, FIRST_DAY.month, 1)
        booked: set[int] = set()   # ids of plans with an appointment on an upcoming day
        horizon = self.today + dt.timedelta(days=62)
        k = 0
        while month <= horizon:
            day = self._workday(month.replace(day=10), 1)
            month = (month + dt.timedelta(days=32)).replace(day=1)
            if day < FIRST_DAY or day > horizon:
                continue
            made = min(day - dt.timedelta(days=7), self.today - dt.timedelta(days=1))
            made_at = timezone.make_aware(dt.datetime.combine(made, dt.time(9, 10)))
            spec = {"date": day, "place": places[k % len(places)], "topic": topics[k % len(topics)], "day": None}
            k += 1
            items.append((made_at, 0, lambda spec=spec: self._reception_create(spec)))
            upcoming = day >= self.today   # petitioners with an appointment, booked yesterday
            if upcoming:
                link_at = timezone.make_aware(dt.datetime.combine(self.today - dt.timedelta(days=1),
                                                                  dt.time(16, 30)))
            else:
                link_at = timezone.make_aware(dt.datetime.combine(day, dt.time(11, 40)))
            visitors = [p for p in self.plans if p.data["channel"] == "visit" and p.fate != "merged"
                        and p.steps[0].at < link_at and p.open_until and p.open_until >= min(day, self.today)
                        and p.day() >= day - dt.timedelta(days=120) and id(p) not in booked]
            for p in rng.sample(visitors, min(len(visitors), rng.randint(1, 3))):
                if upcoming:
                    booked.add(id(p))
                items.append((link_at, 1, lambda spec=spec, p=p: reception_case_link(
                    actor=self.registrar, day=spec["day"], case=p.case)))
                if not upcoming and not p.owned and rng.random() < 0.5:
                    p.owned = True
                    items.append((link_at + dt.timedelta(minutes=5), 2, lambda p=p: self._own(
                        p, f"领导接访日接待，{self.leader.display_name}包案化解。")))
        return items

    def _reception_create(self, spec: dict) -> None:
        spec["day"] = reception_day_create(actor=self.registrar, leader=self.leader, date=spec["date"],
                                           place=spec["place"], topic=spec["topic"])

    def _own(self, p: Plan, note: str) -> None:
        p.case = self._transition(p, "own", "leader", {"note": note})

    def owning_plan(self) -> list[tuple[dt.datetime, int, Callable[[], None]]]:
        """包案 on hard cases: collective visits, the long-overdue and those at 复核."""
        items = []
        for p in self.plans:
            hard = (p.data["person_count"] >= 5 or p.fate in ("accepted_overdue", "under_rereview",
                                                             "rereview_suspended", "concluded"))
            if not hard or p.owned or p.open_until is None or (self.rng.random() < 0.3 and not self.once("own")):
                continue
            first = p.day() + dt.timedelta(days=1)
            last = min(p.open_until, self.today - dt.timedelta(days=1))
            if last < first:
                continue
            day = self._workday(first + dt.timedelta(days=self.rng.randint(0, min(10, (last - first).days))), 1)
            if day > last:
                continue
            p.owned = True
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 50)))
            items.append((at, 2, lambda p=p: self._own(p, "疑难复杂事项，由区领导包案，限期化解。")))
        return items

    def history_run(self) -> None:
        queue: list[tuple[dt.datetime, int, int, Callable[[], None]]] = []
        order = 0

        def push(at, prio, fn):
            nonlocal order
            order += 1
            queue.append((at, prio, order, fn))

        for p in self.plans:
            for step in p.steps:
                push(step.at, 1, lambda p=p, step=step: self.step_run(p, step))
        for at, prio, fn in self.reception_days_plan() + self.owning_plan():
            push(at, prio, fn)
        for at, fn in self.resolved_corpus_plan() + self.ledgers_plan():
            if at < clock.now():
                push(at, 1, fn)
        real_now = clock.now()
        day = FIRST_DAY
        while day <= self.today:   # the nightly job, as cron runs it
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(0, 5)))
            if at < real_now:
                push(at, 0, self._nightly)
            day += dt.timedelta(days=1)
        queue.sort(key=lambda x: (x[0], x[1], x[2]))
        for at, _, _, fn in queue:
            with clock.frozen(at):   # every write, audit entries included, happens "on that day"
                fn()

    def _nightly(self) -> None:
        self.lapsed += len(petitions_close_lapsed())

    # --- all of it ------------------------------------------------------------------

    def build(self) -> None:
        self.lapsed = 0
        # The configuration is in place a few days before the first petition.
        with clock.frozen(FIRST_DAY - dt.timedelta(days=4)):
            self.units_build()
            self.users_build()
            self.categories_build()
            routing_rules_demo_seed()
        self.registrar = User.objects.get(username="registrar")
        self.leader = User.objects.get(username="leader")
        self.plans_build()
        self.history_run()
        # The history's notifications were dealt with long ago: only the last week's are new.
        notifications_history_settle(before=clock.now() - dt.timedelta(days=7))
        notifications_deadlines_send()

    def ledgers_plan(self) -> list:
        """The other ledgers on the same engine: disputes and screening reports, work-safety
        hazards, risk assessments — each app plans its own history, played in time order here
        (each with a random source of its own, so the petitions' history is unchanged)."""
        users = {u.username: u for u in User.objects.all()}
        plans = []
        for offset, plan in enumerate((dispute_demo_plan, hazard_demo_plan, assessment_demo_plan, emergencies_demo_plan,
                                        campaigns_demo_plan, meetings_demo_plan, accountability_demo_plan,
                                        community_board_demo_plan, supervision_demo_plan), start=2):
            plans += plan(units=self.units, users=users, today=self.today, rng=random.Random(self.seed + offset))
        return plans

    def resolved_corpus_plan(self) -> list:
        """Real messages with the government's real replies, answered by 东山街道 over the past
        year (closed by the nightly job): the corpus of "similar resolved cases"."""
        return similar_demo_corpus_plan(
            registrar=self.registrar, handler=User.objects.get(username="handler"),
            reviewer=User.objects.get(username="reviewer"), unit=self.units["DSJD"], limit=60,
            localise=_localise, first_day=max(FIRST_DAY, self.today - dt.timedelta(days=420)), close=False,
            category_for=self._corpus_category)

    def _corpus_category(self, text: str) -> int:
        """The messages with replies carry no label: the shipped classifier names the first-level
        category a registrar would most likely pick, and the leaf is matched as for the other
        messages (with a random source of its own, so the rest of the demo is unchanged)."""
        top = categories_suggest(text=text, k=1)
        saved, self.rng = self.rng, self._corpus_rng
        try:
            return self.category_for(Message(text[:200], text, top[0].label if top else "")).pk
        finally:
            self.rng = saved


# --- the public face -----------------------------------------------------------------

@dataclasses.dataclass
class DemoReport:
    logins: list[dict]
    by_state: list[tuple[str, str, int]]    # (code, label, count)
    total: int
    overdue: int
    due_soon: int
    closed_lapsed: int
    reception_days: int
    staff_logins: list[dict] = dataclasses.field(default_factory=list)
    password: str = PASSWORD
    portal_unit: str = ""


def demo_database_empty() -> bool:
    """The demo is built only where there is nothing yet (no unit at all)."""
    return not Unit.objects.exists()


def demo_build(*, seed: int = DEFAULT_SEED, count: int = DEFAULT_COUNT) -> DemoReport:
    """Build the 示范区 demo on an empty database, in one transaction (all or nothing)."""
    from xinfang.core.errors import ValidationFailed

    if not demo_database_empty():
        raise ValidationFailed("数据库中已有单位数据，示范数据只能在空数据库中生成（可用 --if-empty 跳过）。")
    if count < 1:
        raise ValidationFailed("信访事项数量至少为1。", field="count")
    builder = Builder(seed=seed, count=count, today=clock.today())
    with transaction.atomic():
        builder.build()
    return demo_report(logins=builder.logins, staff_logins=builder.staff_logins, lapsed=builder.lapsed)


def demo_report(*, logins: list[dict], staff_logins: list[dict] = (), lapsed: int = 0) -> DemoReport:
    petitions = Case.objects.filter(kind="petition")
    counts = Counter(petitions.values_list("status", flat=True))
    try:
        portal = portal_unit().name
    except NotFound:   # no 信访局 at all: nothing to report
        portal = ""
    return DemoReport(
        logins=logins,
        staff_logins=list(staff_logins),
        by_state=[(s.code, s.label, counts.get(s.code, 0)) for s in STATES],
        total=petitions.count(),
        overdue=cases_filter(petitions, deadline_state=DeadlineState.OVERDUE).count(),
        due_soon=cases_filter(petitions, deadline_state=DeadlineState.DUE_SOON).count(),
        closed_lapsed=lapsed,
        reception_days=ReceptionDay.objects.count(),
        portal_unit=portal,
    )
