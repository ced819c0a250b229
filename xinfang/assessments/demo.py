"""Demo 稳评 for `xinfang demo`: some thirty major decisions of the district's departments,
each played through the real services, step by step on past days, ending in every state
of the table — rated 高 / 中 / 低, deferred, re-rated after a revised plan, implemented and
monitored, refused, withdrawn.

`assessment_demo_plan` returns (when, step) pairs; the demo builder merges them into its
history queue and plays them in time order under clock.frozen(when).
"""
import datetime as dt
import random
from typing import Callable

from django.utils import timezone

from xinfang.core import clock
from xinfang.core.services import case_transition
from xinfang.orgs.models import Unit, User

from .services import assessment_register

# (title, decision type, owner department code, staff suffix, street code, place, people, households, sponsor)
PROJECTS = [
    ("东山街道老旧小区片区改造房屋征收", "expropriation", "SFQZJJ", "zjj", "DSJD", "东山街道青松路以东片区", 1860, 620, "示范区城市更新公司"),
    ("青松社区生活垃圾中转站新建项目", "environment", "SFQCGJ", "cgj", "DSJD", "青松社区北侧空地", 3200, 0, "示范区环卫中心"),
    ("南港渔港码头扩建工程", "project", "SFQJTYSJ", "jtysj", "NGJD", "南港街道海港社区岸线", 940, 310, "示范港务集团"),
    ("北苑片区集体土地征收", "expropriation", "SFQZRZYJ", "zrzyj", "BYJD", "北苑街道春晖村", 2150, 700, ""),
    ("西湖街道农贸市场搬迁", "project", "SFQSCJGJ", "scjgj", "XHJD", "西湖街道荷花路农贸市场", 680, 0, "西湖农贸市场管理公司"),
    ("区公交线路优化调整方案", "policy", "SFQJTYSJ", "jtysj", "", "全区 14 条公交线路", 52000, 0, "示范公交集团"),
    ("翠竹社区加装电梯统一实施方案", "policy", "SFQZJJ", "zjj", "DSJD", "翠竹社区 36 个单元", 1150, 420, ""),
    ("渔湾社区污水处理站建设", "environment", "SFQCGJ", "cgj", "NGJD", "渔湾社区东南角", 2600, 0, "示范水务集团"),
    ("北园路拓宽改造工程房屋征收", "expropriation", "SFQZJJ", "zjj", "BYJD", "北园路沿线", 430, 150, "示范区城投公司"),
    ("区属学校学区划分调整", "policy", "SFQJYJ", "jyj", "", "全区小学学区", 18000, 0, ""),
    ("柳岸社区停车收费标准调整", "price", "SFQCGJ", "cgj", "XHJD", "柳岸社区路内泊位", 2400, 0, "示范停车管理公司"),
    ("新港社区危旧房解危改造", "expropriation", "SFQZJJ", "zjj", "NGJD", "新港社区 6 号至 11 号楼", 520, 188, ""),
    ("东山街道社区卫生服务中心迁建", "project", "SFQWJW", "wjw", "DSJD", "东山街道明珠社区", 7600, 0, ""),
    ("区管道燃气配气价格调整", "price", "SFQSCJGJ", "scjgj", "", "全区居民用户", 86000, 0, "示范燃气公司"),
    ("荷花社区城中村改造", "expropriation", "SFQZRZYJ", "zrzyj", "XHJD", "荷花社区城中村", 3100, 980, "示范区城市更新公司"),
    ("海港社区物流园区建设", "project", "SFQJTYSJ", "jtysj", "NGJD", "海港社区西侧地块", 760, 0, "示范物流集团"),
    ("春晖社区养老服务综合体建设", "project", "SFQWJW", "wjw", "BYJD", "春晖社区原粮站地块", 1900, 0, ""),
    ("区城市道路占道经营整治方案", "policy", "SFQCGJ", "cgj", "", "全区主次干道", 4200, 0, ""),
    ("明珠社区变电站增容改造", "environment", "SFQZRZYJ", "zrzyj", "DSJD", "明珠社区南门", 2300, 0, "示范供电公司"),
    ("南港街道海堤加固工程", "project", "SFQZRZYJ", "zrzyj", "NGJD", "南港街道海堤 2.6 公里", 1500, 0, ""),
    ("西湖景区周边交通管制方案", "policy", "SFQJTYSJ", "jtysj", "XHJD", "西湖景区周边道路", 9800, 0, ""),
    ("北苑小学扩建项目土地征收", "expropriation", "SFQZRZYJ", "zrzyj", "BYJD", "北苑小学东侧", 260, 85, ""),
    ("区保障性租赁住房项目", "project", "SFQZJJ", "zjj", "XHJD", "西湖街道柳岸地块", 1400, 0, "示范安居公司"),
    ("青松路夜市规范设置", "policy", "SFQSCJGJ", "scjgj", "DSJD", "青松路步行街", 900, 0, ""),
    ("区公办幼儿园保育费调整", "price", "SFQJYJ", "jyj", "", "全区公办幼儿园", 11000, 0, ""),
    ("渔湾社区渔民转产安置方案", "policy", "SFQRSJ", "rsj", "NGJD", "渔湾社区", 820, 290, ""),
    ("东山街道河道综合整治", "environment", "SFQCGJ", "cgj", "DSJD", "东山河东山段", 5400, 0, ""),
    ("荷花路地下通道建设", "project", "SFQJTYSJ", "jtysj", "XHJD", "荷花路与湖滨路交叉口", 3600, 0, ""),
    ("北园社区老旧管网改造", "project", "SFQZJJ", "zjj", "BYJD", "北园社区全域", 2700, 960, ""),
    ("区殡葬设施布局规划", "policy", "SFQZRZYJ", "zrzyj", "", "全区", 30000, 0, ""),
    ("新港社区垃圾分类收运站", "environment", "SFQCGJ", "cgj", "NGJD", "新港社区西门", 1800, 0, ""),
    ("南港街道批发市场外迁", "project", "SFQSCJGJ", "scjgj", "NGJD", "南港水产批发市场", 1200, 0, ""),
]

# How each one ends (cycled over PROJECTS): every state of the table, with the levels that
# lead there. "→" marks a re-rating after a revised plan.
FATES = [
    "completed", "rated_high", "implementing", "rerated_implementing", "consulting", "rejected_high",
    "deferred_medium", "analysing", "registered", "withdrawn", "rated_low", "rerated_completed",
    "implementing", "rated_medium", "rerated_still_medium", "completed", "deferred_high", "consulting",
    "implementing", "rejected_medium", "rated_high", "analysing", "completed", "registered",
    "rerated_implementing", "implementing", "withdrawn", "rated_low", "deferred_medium", "completed",
    "rerated_deferred", "implementing",
]

PLAN_TEXT = ("评估范围为项目影响区域内全部住户及经营户；采取公示、问卷调查、入户走访、座谈会相结合的方式"
             "收集意见，并对合法性、合理性、可行性、可控性逐项分析。")
RISKS = [
    ("部分群众对补偿安置标准有异议，可能引发集体上访。", "逐户走访解释政策，公开补偿标准与评估结果，设立政策咨询点。"),
    ("施工噪声、扬尘影响周边居民生活。", "限定夜间施工，落实围挡喷淋，设立投诉电话并限时回复。"),
    ("经营户担心搬迁后收入下降。", "提供过渡期租金减免，协调就近安置摊位。"),
    ("信息公开不充分，易产生误解和谣言。", "通过社区公告栏、微信群及时发布权威信息，召开说明会。"),
    ("个别困难家庭安置存在实际困难。", "建立困难家庭台账，落实一户一策帮扶。"),
]


def _counts(rng: random.Random, level: str) -> dict:
    n = rng.randint(150, 600)
    if level == "low":
        x = int(n * rng.uniform(0, .06))
        s = int(n * rng.uniform(.62, .9))
    elif level == "medium":
        x = int(n * rng.uniform(.12, .3))
        s = int(n * rng.uniform(.3, .55))
    else:
        x = int(n * rng.uniform(.55, .72))
        s = int(n * rng.uniform(.05, .15))
    a = min(n - s, x + int(n * rng.uniform(0, .1)))
    return dict(participants=n, support=s, against=max(a, x), strongly_against=x)


def assessment_demo_plan(*, units: dict[str, Unit], users: dict[str, User], today: dt.date,
                         rng: random.Random) -> list[tuple[dt.datetime, Callable[[], None]]]:
    """Timed steps that build the demo's 稳评 (see the module docstring). `units` by short
    code (the demo's SFQZJJ, DSJD, …), `users` by username (handler_zjj, reviewer_zjj,
    leader, …); a project whose department has no staff in `users` falls back to 住建局's."""
    steps: list[tuple[dt.datetime, Callable[[], None]]] = []
    for i, project in enumerate(PROJECTS):
        steps += _project_plan(i=i, project=project, units=units, users=users, today=today, rng=rng)
    cutoff = timezone.make_aware(dt.datetime.combine(today, dt.time(0)))
    if any(when >= cutoff for when, _ in steps):
        raise ValueError("a demo step falls on or after today: lengthen the project's lead time")
    return steps


def _project_plan(*, i: int, project: tuple, units: dict[str, Unit], users: dict[str, User], today: dt.date,
                  rng: random.Random) -> list[tuple[dt.datetime, Callable[[], None]]]:
    """The steps of one project, ending as FATES[i] says."""
    title, dtype, owner_code, suffix, street, location, people, households, sponsor = project
    steps: list[tuple[dt.datetime, Callable[[], None]]] = []
    leader = users["leader"]
    fate = FATES[i % len(FATES)]
    handler = users.get(f"handler_{suffix}") or users["handler_zjj"]
    reviewer = users.get(f"reviewer_{suffix}") or users["reviewer_zjj"]
    owner = units.get(owner_code) or handler.unit
    held: dict = {}
    # Long paths start earlier, so that every step falls before today.
    length = {"registered": 5, "withdrawn": 25, "consulting": 20, "analysing": 40}.get(fate, 60)
    if fate.startswith("rerated"):
        length = 140
    if fate in ("completed", "rerated_completed"):
        length += 260
    elif "implementing" in fate:
        length += 100
    start = today - dt.timedelta(days=length + rng.randint(5, 60))
    day = [start]

    def at(offset: int, minute: int = 0) -> dt.datetime:
        day[0] = day[0] + dt.timedelta(days=offset)
        return timezone.make_aware(dt.datetime.combine(day[0], dt.time(9 + i % 7, minute)))

    def register(i=i, held=held, title=title, dtype=dtype, owner=owner, street=street, location=location,
                 people=people, households=households, sponsor=sponsor, handler=handler):
        held["case"] = assessment_register(actor=handler, data={
            "title": title, "content": f"{title}：拟由{owner.name}承办，涉及{location}约 {people} 名群众。"
                                       "承办单位初步分析认为事项涉及群众切身利益，需开展社会稳定风险评估。",
            "decision_type": dtype, "owner_unit_id": owner.pk,
            "place_unit_id": units[street].pk if street in units else None, "location": location,
            "affected_people": people, "affected_households": households, "sponsor": sponsor,
            "decision_body": "示范区人民政府"})

    def step(actor, action: str, payload: Callable[[dt.date], dict] | dict, held=held):
        def run():
            case = held["case"]
            case.refresh_from_db()
            data = payload(case) if callable(payload) else payload
            held["case"] = case_transition(case=case, actor=actor, action=action, version=case.version,
                                           payload=data)
        return run

    def plan(revision: str = "", owner=owner):
        # Everything random is drawn now, while planning: play order must not change it.
        third = rng.random() < .5
        fixed = dict(assessor_kind="third_party" if third else "self",
                     assessor_name="示范市社会稳定风险评估中心" if third else f"{owner.name}稳评工作小组",
                     scope_and_methods=PLAN_TEXT, **({"revision": revision} if revision else {}))

        def payload(case):
            d = clock.today()
            return dict(fixed, start_date=d.isoformat(), end_date=(d + dt.timedelta(days=30)).isoformat())
        return payload

    def consult(form: str, level: str = "low"):
        counts = _counts(rng, level) if form == "questionnaire" else {"participants": rng.randint(12, 80)}
        summaries = {"notice": "公示期间收到书面反馈意见，主要涉及补偿标准与施工影响。",
                     "questionnaire": "问卷调查结果已汇总，意见分歧主要集中在安置方式。",
                     "visit": "入户走访重点户、困难户，听取意见诉求。",
                     "meeting": "召开居民代表、经营户代表座谈会。",
                     "hearing": "举行听证会，听证代表发表意见。"}
        return lambda case: dict(form=form, held_on=clock.today().isoformat(), summary=summaries[form], **counts)

    def rate_round(level: str, adjust: bool = False):
        for form in ("notice", "visit", "questionnaire", "meeting"):
            steps.append((at(rng.randint(2, 6)), step(handler, "consultation_add", consult(form, level))))
        if level != "low" and rng.random() < .5:
            steps.append((at(2), step(handler, "consultation_add", consult("hearing"))))
        steps.append((at(3), step(handler, "consultation_close", {"note": "征求意见阶段结束。"})))
        steps.append((at(4), step(handler, "analysis_record", dict(
            legality="决策事项符合相关法律法规和政策规定，履行了法定程序。",
            reasonableness="兼顾了多数群众的现实利益和长远利益，补偿标准公平合理。",
            feasibility="资金已纳入预算，实施时机和条件基本成熟。",
            controllability="可能出现的矛盾已有预判，防范化解措施和应急预案基本到位。"))))
        for desc, measures in rng.sample(RISKS, 2):
            steps.append((at(1), step(handler, "risk_point_add", dict(description=desc, measures=measures,
                                                                       responsible=owner.name))))
        report = dict(contingency_plan="发生群体性聚集时，由属地街道牵头现场处置，承办单位负责政策解释，"
                                       "公安机关维护秩序；重大情况 1 小时内报告区委区政府。",
                      conclusion={"low": "风险等级为低风险，在落实各项防控措施的前提下可以实施。",
                                  "medium": "风险等级为中风险，建议调整方案、做好群众工作后重新评估。",
                                  "high": "风险等级为高风险，建议暂缓实施或不实施。"}["medium" if adjust else level])
        if adjust:
            report.update(adjusted_level="medium",
                          adjustment_reason="同一片区去年曾发生同类集体上访，从严评定为中风险。")
        steps.append((at(3), step(reviewer, "report_submit", report)))

    def meeting(extra: dict | None = None):
        attendees = rng.randint(9, 15)

        def payload(case):
            return dict(held_on=clock.today().isoformat(), body="区政府常务会议", attendees=attendees,
                        minutes="会议听取了承办单位关于社会稳定风险评估情况的汇报，经集体讨论作出决定。",
                        **(extra or {}))
        return payload

    def implement():
        steps.append((at(rng.randint(5, 12)), step(leader, "decide_implement", meeting(
            {"conditions": "严格落实评估报告提出的防范化解措施，分片包干、责任到人，定期报告进展。"}))))

    def monitor(times: int):
        for _ in range(times):
            situation = "stable" if rng.random() < .75 else "emerging"
            steps.append((at(rng.randint(60, 85)), step(handler, "monitoring_add", lambda case, s=situation: dict(
                checked_on=clock.today().isoformat(), situation=s,
                findings="项目推进总体平稳。" if s == "stable" else "个别群众对施工时间有意见，已协调调整。",
                measures="" if s == "stable" else "调整作业时间，安排专人回访。"))))

    steps.append((at(0), register))
    if fate == "registered":
        return steps
    if fate == "withdrawn":
        steps.append((at(rng.randint(5, 15)), step(reviewer, "withdraw", dict(
            reason="上级规划调整，该事项不再推进，终止评估。"))))
        return steps
    steps.append((at(rng.randint(2, 5)), step(handler, "plan_submit", plan())))
    if fate == "consulting":
        steps.append((at(3), step(handler, "consultation_add", consult("notice"))))
        return steps
    if fate == "analysing":
        for form in ("notice", "questionnaire"):
            steps.append((at(4), step(handler, "consultation_add", consult(form, "low"))))
        steps.append((at(3), step(handler, "consultation_close", {"note": ""})))
        return steps
    first = {"rated_high": "high", "rejected_high": "high", "deferred_high": "high", "rated_medium": "medium",
             "deferred_medium": "medium", "rejected_medium": "medium"}.get(fate, "low")
    if fate.startswith("rerated"):
        first = "high" if i % 2 else "medium"
    if fate == "rated_medium" and i % 2 == 1:
        rate_round("low", adjust=True)     # the rule says 低; the report rates 中, with its reason
    else:
        rate_round(first)
    if fate in ("rated_high", "rated_medium", "rated_low"):
        return steps
    if fate in ("rejected_high", "rejected_medium"):
        steps.append((at(rng.randint(5, 12)), step(leader, "decide_reject", meeting())))
        return steps
    if fate in ("deferred_high", "deferred_medium"):
        steps.append((at(rng.randint(5, 12)), step(leader, "decide_defer", meeting())))
        return steps
    if fate.startswith("rerated"):
        steps.append((at(rng.randint(5, 12)), step(leader, "decide_defer", meeting())))
        steps.append((at(rng.randint(10, 20)), step(handler, "plan_revise", plan(
            "提高补偿标准，增加就近安置房源，调整施工时序，并对受影响经营户给予过渡期补助。"))))
        second = "medium" if fate == "rerated_still_medium" else "low"
        rate_round(second)
        if fate == "rerated_still_medium":
            return steps
        if fate == "rerated_deferred":
            steps.append((at(rng.randint(5, 12)), step(leader, "decide_defer", meeting())))
            return steps
    implement()
    if fate in ("completed", "rerated_completed"):
        monitor(3)
        steps.append((at(rng.randint(5, 10)), step(reviewer, "monitoring_close", dict(
            note="项目已实施完毕，跟踪期内未发生影响社会稳定的事件，结束跟踪监测。"))))
    else:
        monitor(1)
    return steps
