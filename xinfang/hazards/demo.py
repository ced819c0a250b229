"""Demo hazards for `xinfang demo`: two inspection campaigns of 东山街道 and some forty
hazards, found in them or reported alone, each played through the real services on its
own past days so that every state of the table holds some (ordinary and major, on time
and overdue, a failed check and a failed on-site review among them).

`hazard_demo_plan` returns (when, step) pairs; the demo builder merges them into its
history queue and plays each under `clock.frozen(when)`.
"""
import datetime as dt
import struct
import zlib

from django.utils import timezone

from xinfang.core.services import case_transition
from xinfang.orgs.models import Unit, User

from .services import hazard_register, inspection_create

# (title, description, industry, category, enterprise, site)
ORDINARY = [
    ("配电箱未接地", "车间配电箱外壳未可靠接地，箱门损坏无法关闭，存在触电风险。", "industry_trade", "site_electric",
     "东山精密机械有限公司", "二号车间西侧配电箱"),
    ("灭火器过期失效", "一楼大厅4具干粉灭火器压力指针位于红区，已超过检验期限。", "crowded_place", "site_fire",
     "东山购物中心", "一楼大厅消防器材点"),
    ("安全出口堆放杂物", "后门安全出口堆放纸箱杂物，疏散通道宽度不足1米。", "crowded_place", "site_fire",
     "明珠大酒店", "后厨安全出口"),
    ("叉车司机无证操作", "仓库叉车驾驶员未取得特种设备作业人员证。", "special_equipment", "site_operation",
     "青松物流有限公司", "一号仓库"),
    ("脚手架连墙件缺失", "东侧外脚手架连墙件缺失3处，剪刀撑未连续设置。", "construction", "site_equipment",
     "翠竹花园二期项目部", "5号楼东侧外脚手架"),
    ("燃气软管老化", "后厨燃气灶具连接软管老化开裂，未安装燃气泄漏报警器。", "gas", "site_equipment",
     "东山老味道餐馆", "后厨灶台"),
    ("安全培训记录缺失", "未建立从业人员安全生产教育培训档案，新员工未经三级教育上岗。", "industry_trade",
     "basic_training", "东山五金加工厂", "办公室"),
    ("电动车违规充电", "楼道内私拉电线为电动自行车充电，无防护措施。", "other", "site_electric",
     "青松社区3号楼", "一单元楼道"),
    ("危化品未分类存放", "油漆、稀释剂与氧气瓶混放，未设专用储存间。", "hazchem", "site_hazchem",
     "明珠汽车维修厂", "喷漆房旁储物间"),
    ("有限空间无警示标志", "污水池入口未设置有限空间警示标志，未配备检测仪器。", "industry_trade", "site_confined",
     "东山食品加工有限公司", "厂区污水处理池"),
]
MAJOR = [
    ("液氨储罐阀门泄漏", "液氨储罐出口阀门密封失效，检测到微量泄漏；储罐超期未检验，需停用更换。", "hazchem",
     "site_hazchem", "东山冷链仓储有限公司", "液氨储罐区"),
    ("深基坑支护变形", "基坑北侧支护桩顶位移超过预警值，周边地面出现裂缝，需停工加固。", "construction",
     "site_environment", "明珠广场项目部", "基坑北侧"),
    ("粉尘涉爆除尘系统失效", "铝镁粉尘除尘器未设泄爆装置，积尘严重，需局部停产改造。", "industry_trade",
     "site_equipment", "东山铝制品有限公司", "抛光车间"),
    ("人员密集场所消防设施瘫痪", "自动喷水灭火系统主泵损坏、消防控制室无人值守，需停业整改。", "crowded_place",
     "site_fire", "东山娱乐城", "地下一层及消防控制室"),
]

ORDER = lambda day, limit: {"measures": "落实专人整改，整改后报检查组复查", "responsible_person": "企业安全员",
                            "rectify_by": (day + dt.timedelta(days=limit)).isoformat(),
                            "interim_controls": "设置警示标志，暂停相关作业"}
FIX = {"measures": "现场督促立即整改到位", "responsible_person": "企业负责人"}


def PLAN(day: dt.date, limit: int) -> dict:
    return {"goal": "彻底消除该重大事故隐患，恢复安全生产条件", "measures": "停用隐患设施，委托专业单位制定并实施改造方案",
            "funds_yuan": 280000, "materials": "更换设备与检测仪器已采购到位", "organisation": "企业安全生产领导小组",
            "responsible_person": "企业主要负责人", "time_limit": (day + dt.timedelta(days=limit)).isoformat(),
            "safety_measures": "划定警戒区域，无关人员撤离，专人24小时值守", "emergency_plan": "已编制专项应急预案并组织演练",
            "interim_controls": "局部停产，降低库存，加密巡查", "stop_production": True}


# How each ending is reached: (action, who, days after the previous step, payload(day)).
ORDINARY_PATHS = {
    "registered": [],
    "rectifying": [("order_rectification", "insp", 0, lambda d: ORDER(d, 20))],
    "rectifying_overdue": [("order_rectification", "insp", 0, lambda d: ORDER(d, 7))],
    "rectified": [("order_rectification", "insp", 0, lambda d: ORDER(d, 15)),
                  ("report_rectified", "insp", 6, lambda d: {"note": "已按要求整改"})],
    "verified": [("fix_on_spot", "insp", 0, lambda d: FIX),
                 ("verify", "insp", 2, lambda d: {"checker": "何勇", "notes": "整改到位"})],
    "closed_on_spot": [("fix_on_spot", "insp", 0, lambda d: FIX),
                       ("verify", "insp", 1, lambda d: {"checker": "何勇"}),
                       ("close_off", "rev", 2, lambda d: {"note": "验收合格，予以销号"})],
    "closed_deadline": [("order_rectification", "insp", 0, lambda d: ORDER(d, 15)),
                        ("report_rectified", "insp", 8, lambda d: {}),
                        ("verify", "insp", 2, lambda d: {"checker": "何勇、张伟"}),
                        ("close_off", "rev", 1, lambda d: {})],
    "closed_after_fail": [("order_rectification", "insp", 0, lambda d: ORDER(d, 10)),
                          ("report_rectified", "insp", 7, lambda d: {}),
                          ("verify_fail", "insp", 2, lambda d: {"checker": "何勇", "reason": "整改不彻底，仍有隐患",
                                                                "rectify_by": (d + dt.timedelta(days=10)).isoformat()}),
                          ("report_rectified", "insp", 6, lambda d: {}),
                          ("verify", "insp", 1, lambda d: {"checker": "何勇"}),
                          ("close_off", "rev", 1, lambda d: {})],
    "upgraded": [("order_rectification", "insp", 0, lambda d: ORDER(d, 20)),
                 ("upgrade_major", "insp", 4, lambda d: {"reason": "需局部停产并委托专业单位治理，升级为重大隐患"}),
                 ("record_plan", "insp", 4, lambda d: PLAN(d, 60))],
}
_REPORT = ("report_to_regulator", "insp", 2, "REPORT")
_SUPERVISE = ("supervise", "sup", 3, lambda d: {"supervision_ref": f"示安督〔{d.year}〕{d.toordinal() % 90 + 1}号",
                                               "requirements": "按治理方案限期治理，治理结束后申请现场审查核销",
                                               "stop_production": True})
_APPLY = ("apply_resume", "insp", 35, lambda d: {"evaluation": "经专家评估，治理措施全部落实，具备安全生产条件",
                                                 "evaluator": "安全评价机构"})
_PASS = ("review_pass", "sup", 6, lambda d: {"checker": "区安全生产督查组", "notes": "现场审查合格，同意恢复生产"})
_FAIL = ("review_fail", "sup", 5, lambda d: {"checker": "区安全生产督查组", "reason": "部分措施未落实到位，责令继续整改",
                                             "time_limit": (d + dt.timedelta(days=30)).isoformat()})
_PLAN = ("record_plan", "insp", 3, lambda d: PLAN(d, 90))
MAJOR_PATHS = {
    "registered": [],
    "planned": [_PLAN],
    "reported": [_PLAN, _REPORT],
    "governing": [_PLAN, _REPORT, _SUPERVISE,
                  ("record_progress", "insp", 20, lambda d: {"note": "设备已拆除，正在安装新设备"})],
    "governing_overdue": [("record_plan", "insp", 3, lambda d: PLAN(d, 25)), _REPORT, _SUPERVISE],
    "review_pending": [_PLAN, _REPORT, _SUPERVISE, _APPLY],
    "governing_after_fail": [_PLAN, _REPORT, _SUPERVISE, _APPLY, _FAIL],
    "review_passed": [_PLAN, _REPORT, _SUPERVISE, _APPLY, _PASS],
    "closed": [_PLAN, _REPORT, _SUPERVISE, _APPLY, _PASS,
               ("close_off_major", "sup", 2, lambda d: {"note": "现场审查合格，核销"})],
    "closed_after_fail": [_PLAN, _REPORT, _SUPERVISE, _APPLY, _FAIL, ("apply_resume", "insp", 20, _APPLY[3]), _PASS,
                          ("close_off_major", "sup", 1, lambda d: {})],
}
# (grade, ending, how many)
ENDINGS = [
    ("ordinary", "registered", 3), ("ordinary", "rectifying", 3), ("ordinary", "rectifying_overdue", 2),
    ("ordinary", "rectified", 3), ("ordinary", "verified", 2), ("ordinary", "closed_on_spot", 6),
    ("ordinary", "closed_deadline", 5), ("ordinary", "closed_after_fail", 2), ("ordinary", "upgraded", 1),
    ("major", "registered", 1), ("major", "planned", 1), ("major", "reported", 2), ("major", "governing", 2),
    ("major", "governing_overdue", 1), ("major", "review_pending", 2), ("major", "governing_after_fail", 1),
    ("major", "review_passed", 1), ("major", "closed", 2), ("major", "closed_after_fail", 1),
]
VIOLATIONS = [("violating_operation", "作业人员未按操作规程作业"), ("violating_command", "班组长安排无证人员上岗"),
              ("illegal_operation", "未取得经营许可擅自经营"), ("over_staffing", "作业现场人数超过核定人数")]


def demo_photo(rgb: tuple[int, int, int], *, width: int = 64, height: int = 48) -> bytes:
    """A small solid-colour PNG, standing in for a hazard photo."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _workday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _workday_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def found_during(start: dt.date, end: dt.date, rng) -> dt.date:
    """A weekday of the inspection [start, end] (start a weekday): a weekend day moves to the
    Monday only if the inspection still runs then, else to the Friday before."""
    found = start + dt.timedelta(days=rng.randint(0, (end - start).days))
    return _workday(found) if _workday(found) <= end else _workday_before(found)


def hazard_demo_plan(*, units: dict[str, Unit], users: dict[str, User], today: dt.date, rng) -> list:
    """Timed steps building the hazard demo under 东山街道 (unit DSJD), regulated by the
    district (SFQ): users `inspector` (东山街道), `reviewer` (东山街道), `supervisor` (a
    higher unit: the regulator) and, if present, `mediator` (a grid worker)."""
    street, district = units["DSJD"], units["SFQ"]
    communities = [u for code, u in units.items() if code.startswith("DSJD") and len(code) == 6]
    who = {"insp": users["inspector"], "rev": users["reviewer"], "sup": users["supervisor"]}
    mediator = users.get("mediator")
    steps: list = []
    inspections: dict[str, object] = {}
    campaigns = {
        "spring": ("春节前安全生产大检查", _workday(today - dt.timedelta(days=130)), 30,
                   "重点检查人员密集场所、危险化学品、燃气和建筑施工安全"),
        "flood": ("汛期安全生产专项检查", _workday(today - dt.timedelta(days=45)), 40,
                  "重点检查深基坑、有限空间、用电和防汛安全"),
    }
    for key, (name, start, length, desc) in campaigns.items():
        def create(key=key, name=name, start=start, length=length, desc=desc):
            inspections[key] = inspection_create(actor=who["insp"], data={
                "name": f"{start.year}年{name}", "scope_unit_ids": [street.pk], "start_date": start.isoformat(),
                "end_date": (start + dt.timedelta(days=length)).isoformat(), "description": desc})
        steps.append((_at(start - dt.timedelta(days=3), 9), create))

    n = 0
    for grade, ending, count in ENDINGS:
        path = (ORDINARY_PATHS if grade == "ordinary" else MAJOR_PATHS)[ending]
        for _ in range(count):
            n += 1
            span = sum(gap for _, _, gap, _ in path)
            latest = today - dt.timedelta(days=span + 1)
            # Overdue endings need their clock to have run out; pending ones are recent.
            if ending in ("rectifying_overdue", "governing_overdue"):
                latest = min(latest, today - dt.timedelta(days=40))
            if ending in ("rectifying", "review_pending", "registered"):
                latest = today - dt.timedelta(days=span + rng.randint(1, 6))
            campaign = rng.choice([None, "spring", "flood"])
            if campaign is not None:
                _, start, length, _ = campaigns[campaign]
                end = min(start + dt.timedelta(days=length), latest)
                if end < start:
                    campaign = None
            if campaign is not None:
                found = found_during(start, end, rng)
            else:
                found = latest - dt.timedelta(days=rng.randint(0, 90 if ending not in ("rectifying",
                                                                                       "review_pending") else 0))
            found = _workday(found) if _workday(found) <= latest else found
            template = rng.choice(ORDINARY if grade == "ordinary" and ending != "upgraded" else
                                  MAJOR if grade == "major" else ORDINARY)
            by_grid = mediator is not None and campaign is None and grade == "ordinary" and n % 4 == 0
            held: dict = {}

            def register(template=template, grade=grade, found=found, campaign=campaign, by_grid=by_grid, n=n,
                         held=held):
                title, description, industry, category, enterprise, site = template
                data = {"title": title, "description": description, "grade": grade, "industry": industry,
                        "category": category, "enterprise_name": enterprise, "site": site,
                        "place_unit_id": communities[n % len(communities)].pk if communities else None,
                        "found_on": found.isoformat(), "finder": "网格员巡查" if by_grid else "何勇"}
                if campaign is not None:
                    data["inspection_id"] = inspections[campaign].pk
                if n % 5 == 0:
                    kind, text = VIOLATIONS[n % len(VIOLATIONS)]
                    data["violations"] = [{"kind": kind, "description": text}]
                photos = [(f"现场照片{n}.png", demo_photo((180, 60 + n * 4 % 150, 40)))] if n % 3 == 0 else []
                held["case"] = hazard_register(actor=mediator if by_grid else who["insp"], data=data, photos=photos)

            steps.append((_at(found, 10, n % 50), register))
            day = found
            for i, (action, actor_key, gap, payload) in enumerate(path):
                day = day + dt.timedelta(days=gap)
                if day > today:
                    break

                def run(action=action, actor_key=actor_key, payload=payload, day=day, held=held):
                    case = held["case"]
                    case.refresh_from_db()
                    body = {"unit_id": district.pk, "situation": "隐患现状及产生原因已查明，详见治理方案",
                            "harm_analysis": "危害程度大，须停产停业治理，企业自身整改难度大"} \
                        if payload == "REPORT" else payload(day)
                    held["case"] = case_transition(case=case, actor=who[actor_key], action=action,
                                                   version=case.version, payload=body)

                steps.append((_at(day, 11 + i % 5, n % 50), run))
    return steps
