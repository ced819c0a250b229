"""Disputes for the demo: a few dozen cases ending in every state of the table, screening
reports (with some weeks left unfiled, so overdue ones show), a petition turned into a
dispute and a dispute sent back to the petition route — all played through the real
services, each step on its own past day.

`dispute_demo_plan` returns (when, step) pairs; the demo builder merges them into its
history queue and plays them in time order under `clock.frozen(when)`.
"""
import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from xinfang.core.models import Case
from xinfang.core.services import case_transition
from xinfang.orgs.models import Unit, User

from .periods import period_of
from .services import dispute_from_petition, dispute_register, screening_report_file

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏"

# (type, title, content, escalation risk in words — about the matter, never a person)
MATTERS = [
    ("neighbour", "楼上装修漏水纠纷", "居民反映楼上住户装修导致其卫生间顶部渗水，多次协商未果。", "双方曾在楼道争吵，若不及时调解可能升级。"),
    ("neighbour", "楼道堆物占用纠纷", "邻里因楼道堆放杂物影响通行和消防发生争执。", ""),
    ("neighbour", "噪音扰民纠纷", "居民反映楼下商户夜间经营噪音扰民，与商户多次交涉未果。", "涉及多户居民，有联名反映的可能。"),
    ("family", "赡养老人费用纠纷", "兄弟三人就老人赡养费用分摊发生争执。", "家庭矛盾持续较长时间，老人情绪低落。"),
    ("family", "离婚后子女探视纠纷", "离婚双方就子女探视时间和方式发生争执。", ""),
    ("land", "宅基地边界纠纷", "两户村民因宅基地边界围墙位置发生争执。", "双方曾发生推搡，需防止矛盾激化。"),
    ("labour", "拖欠装修工人工资纠纷", "装修工人反映包工头拖欠工资，涉及6名工人。", "临近春节，工人讨薪情绪急切。"),
    ("labour", "餐饮店员工工资结算纠纷", "员工离职后与店主就最后一个月工资结算发生争议。", ""),
    ("contract", "民间借贷纠纷", "朋友之间借款到期未还，双方对还款数额有争议。", ""),
    ("contract", "房屋租赁押金纠纷", "租户退租后房东以房屋损坏为由拒退押金。", ""),
    ("property", "物业费收取纠纷", "业主以电梯长期故障为由拒交物业费，物业公司催缴。", "涉及同楼多户业主，有群体性苗头。"),
    ("property", "小区停车位纠纷", "业主与物业就地面停车位收费和分配发生争议。", "涉及较多业主，需关注。"),
    ("medical", "诊所治疗效果纠纷", "患者认为社区诊所治疗不当，要求赔偿。", ""),
    ("traffic", "电动车剐蹭赔偿纠纷", "两辆电动车在路口剐蹭，双方对责任和赔偿有争议。", ""),
    ("consumer", "预付卡退费纠纷", "健身房停业，会员要求退还预付卡余额。", "涉及会员较多，需防止聚集。"),
]

SESSION_RECORD = ("调解员向双方讲明人民调解的性质、原则和效力，双方分别陈述事实和诉求。调解员释法说理，"
                  "引导双方互谅互让。")
ROUTES = "已告知双方当事人可以依法通过仲裁、行政、司法等途径维护自己的权利（人民调解法第26条）。"

# The fate of each demo dispute (the state it ends in), and how many.
FATES = ([("resolved", 8), ("agreed", 4), ("confirmation_applied", 2), ("confirmed", 2), ("mediating", 4),
          ("registered", 3), ("ended", 3), ("referred_police", 1), ("handed_to_street", 2), ("handed_to_court", 1),
          ("to_petition", 1)])


def _at(day: dt.date, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, minute % 60)))


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _party(rng: random.Random, side: str) -> dict:
    return {"name": _name(rng), "side": side, "phone": f"1{rng.choice('35789')}{rng.randrange(10 ** 8, 10 ** 9)}",
            "address": f"东山街道青松社区{rng.randrange(1, 30)}号楼"}


def dispute_demo_plan(*, units: dict[str, Unit], users: dict[str, User], today: dt.date,
                      rng: random.Random) -> list[tuple[dt.datetime, Callable[[], None]]]:
    """Timed steps for ~30 disputes in 东山街道 (found by the grid worker `mediator`, mediated
    in the grid, or handed to the street's `handler` and to the court), weekly screening
    reports of 青松社区 and half-monthly ones of 东山街道 over the last ten weeks (two weeks
    left unfiled), and a petition turned into a dispute and back.

    `units` by short code (DSJD, DSJD01, DSJD01G1, SFSZY), `users` by username (mediator,
    handler, registrar; `mediator_qs`, a 青松社区 mediator with subtree scope, if the demo
    has one — else the grid worker mediates)."""
    grid_worker = users["mediator"]
    community_worker = users.get("mediator_qs") or grid_worker
    street_worker = users["handler"]
    street, community, court = units["DSJD"], units["DSJD01"], units["SFSZY"]
    steps: list[tuple[dt.datetime, Callable[[], None]]] = []
    found: dict[dt.date, list[tuple[str, bool]]] = {}   # day → (number, found by the street), for the reports
    shared: dict = {}                         # the petition that becomes a dispute, and back

    def step(held: dict, actor: User, action: str, **payload) -> Callable[[], None]:
        def run():
            case = Case.objects.get(pk=held["case"].pk)
            held["case"] = case_transition(case=case, actor=actor, action=action, version=case.version,
                                           payload=payload)
        return run

    fates = [fate for fate, n in FATES for _ in range(n)]
    for i, fate in enumerate(fates):
        kind, title, content, risk = MATTERS[i % len(MATTERS)]
        worker = street_worker if fate == "to_petition" else community_worker if i % 3 else grid_worker
        # Recent enough that open matters look current; the confirmation ones inside the 30 days.
        first = today - dt.timedelta(days=rng.randrange(20, 26) if fate in ("confirmation_applied", "agreed",
                                                                             "to_petition")
                                     else rng.randrange(30, 70))
        held: dict = {}
        data = {"title": title, "content": content, "dispute_type": kind, "escalation_risk": risk,
                "place_text": f"{community.name}{rng.randrange(1, 30)}号楼", "place_unit_id": community.pk,
                "person_count": 2, "parties": [_party(rng, "applicant"), _party(rng, "respondent")]}

        def register(held=held, worker=worker, data=data, first=first):
            held["case"] = dispute_register(actor=worker, data=data)
            found.setdefault(first, []).append((held["case"].number, worker == street_worker))

        steps.append((_at(first, i), register))
        day = lambda n, first=first: first + dt.timedelta(days=n)
        if fate == "registered":
            continue
        if fate == "to_petition":
            def back(held=held):
                case = Case.objects.get(pk=held["case"].pk)
                case_transition(case=case, actor=street_worker, action="to_petition", version=case.version, payload={
                    "petition_number": shared["petition"].number,
                    "reason": "当事人坚持通过信访渠道反映，与原信访事项一并办理。"})
            steps.append((_at(day(2), i), back))
            continue
        if fate in ("handed_to_street", "handed_to_court"):
            steps.append((_at(day(1), i), step(held, worker, "accept", mediators=worker.display_name or str(worker))))
            steps.append((_at(day(4), i), step(held, worker, "record_session", held_on=day(4).isoformat(),
                                               place=f"{community.name}人民调解室", participants="双方当事人、调解员",
                                               record=SESSION_RECORD + "双方分歧较大，未能达成一致。")))
            if fate == "handed_to_court":
                steps.append((_at(day(6), i), step(held, worker, "hand_over", track="judicial", unit_id=court.pk,
                                                   reason="涉及金额较大、法律关系复杂，移交人民法院诉前调解。")))
                continue
            steps.append((_at(day(6), i), step(held, worker, "hand_over", track="people", unit_id=street.pk,
                                               reason="社区调解未果，提请街道人民调解委员会调解。")))
            worker = street_worker
            first = day(6)
            day = lambda n, first=first: first + dt.timedelta(days=n)
        steps.append((_at(day(1), i), step(held, worker, "accept", mediators=worker.display_name or str(worker),
                                           chosen_how="chosen" if i % 2 else "designated")))
        if fate == "referred_police":
            steps.append((_at(day(2), i), step(held, worker, "refer_police", police_organ="示范区公安分局东山派出所",
                                               reason="一方多次扬言报复，可能引发治安案件，已报告派出所。")))
            continue
        if i % 5 == 0:
            steps.append((_at(day(2), i), step(held, worker, "change_mediators", refused=worker.display_name or str(worker),
                                               added="老党员调解员陈某", reason="申请人认为原调解员与对方熟识，要求更换。")))
        steps.append((_at(day(3), i), step(held, worker, "record_session", held_on=day(3).isoformat(),
                                           place=f"{community.name}人民调解室", participants="双方当事人、调解员",
                                           record=SESSION_RECORD)))
        if fate == "mediating":
            continue
        if fate == "ended":
            steps.append((_at(day(8), i), step(held, worker, "end_mediation", reason="no_agreement",
                                               other_routes=ROUTES)))
            continue
        signed = day(5)
        steps.append((_at(signed, i), step(
            held, worker, "sign_agreement", form="written", all_signed=True,
            facts=f"{content}经调解员查明事实、分清责任。", terms="双方自愿达成如下协议：责任方于十日内赔偿对方损失并恢复原状；双方不再就此事发生争执。",
            performance_method="一次性现金支付，调解员见证", performance_by=(signed + dt.timedelta(days=10)).isoformat(),
            signed_on=signed.isoformat())))
        if fate in ("confirmation_applied", "confirmed"):
            steps.append((_at(signed + dt.timedelta(days=3), i), step(held, worker, "apply_confirmation",
                                                                     court="示范区人民法院", joint=True)))
            if fate == "confirmed":
                steps.append((_at(signed + dt.timedelta(days=10), i), step(
                    held, worker, "record_confirmation", result="confirmed",
                    ruling_on=(signed + dt.timedelta(days=10)).isoformat(),
                    document_no=f"（{signed.year}）示0202民特{100 + i}号")))
            continue
        if fate == "resolved":
            steps.append((_at(signed + dt.timedelta(days=12), i), step(
                held, worker, "record_followup", visited_on=(signed + dt.timedelta(days=12)).isoformat(),
                performance="performed", note="回访双方，协议已全部履行，双方表示满意。")))
            steps.append((_at(signed + dt.timedelta(days=12), i + 1), step(held, worker, "close_resolved",
                                                                          note="协议履行完毕")))

    steps += _petition_plan(users=users, units=units, today=today, held=shared)
    steps += _screening_plan(community=community, street=street, grid_worker=community_worker,
                             street_worker=street_worker, today=today, found=found)
    return sorted(steps, key=lambda s: s[0])


def _petition_plan(*, users, units, today, held: dict) -> list:
    """A petition assigned to the street becomes a dispute (`held["petition"]`, which a
    dispute of the plan above later goes back to)."""
    registrar, street_worker = users["registrar"], users["handler"]
    day = today - dt.timedelta(days=45)

    def petition():
        from xinfang.core.models import Category
        from xinfang.petitions.services import petition_register

        # the demo taxonomy's leaf for property services, when it is loaded
        leaf = Category.objects.filter(name="物业服务", parent__name="住房保障与房地产").first()
        case = petition_register(actor=registrar, data={
            "title": "小区电梯长期故障物业不作为", "content": "业主反映小区电梯长期故障，物业公司拖延维修，业主与物业矛盾激化。",
            "channel": "visit", "category_id": leaf.pk if leaf else None,
            "petitioners": [{"name": "赵建华", "phone": "13912345678"}]})
        held["petition"] = case_transition(case=case, actor=registrar, action="assign", version=case.version,
                                           payload={"unit_id": units["DSJD"].pk})

    def convert():
        held["dispute"] = dispute_from_petition(actor=street_worker, petition_number=held["petition"].number,
                                                data={"dispute_type": "property", "note": "业主与物业的纠纷，适宜调解"})

    return [(_at(day, 50), petition), (_at(day + dt.timedelta(days=1), 50), convert)]


def _screening_plan(*, community, street, grid_worker, street_worker, today, found) -> list:
    """Weekly reports of the community (filed by the grid worker) and half-monthly ones of the
    street for the last ten weeks; two community weeks are left unfiled (overdue)."""
    out = []
    start, _ = period_of("weekly", today - dt.timedelta(days=70))
    week = 0
    while start + dt.timedelta(days=6) < today:
        end = start + dt.timedelta(days=6)
        if week not in (3, 7):
            def file(start=start, end=end):
                numbers = [n for day, ns in found.items() if start <= day <= end for n, by_street in ns
                           if not by_street]
                screening_report_file(actor=grid_worker, data={
                    "unit_id": community.pk, "period_start": start.isoformat(), "none_found": not numbers,
                    "dispute_numbers": numbers, "note": "网格员入户走访、排查本网格及社区矛盾纠纷。"})
            out.append((_at(min(end + dt.timedelta(days=1), today - dt.timedelta(days=1)), 58), file))
        start += dt.timedelta(days=7)
        week += 1
    start, end = period_of("half_monthly", today - dt.timedelta(days=70))
    while end < today - dt.timedelta(days=1):
        def file_street(start=start, end=end):
            # The street's own finds; the communities report theirs.
            numbers = [n for day, ns in found.items() if start <= day <= end for n, by_street in ns if by_street]
            screening_report_file(actor=street_worker, data={
                "unit_id": street.pk, "period_start": start.isoformat(), "none_found": not numbers,
                "dispute_numbers": numbers, "note": "汇总各社区排查情况。"})
        out.append((_at(end + dt.timedelta(days=1), 59), file_street))
        start, end = period_of("half_monthly", end + dt.timedelta(days=1))
    return out
