"""Demo events for `xinfang demo`: a dozen 突发事件 over the demo's history — fires, a
work-safety accident in a factory of 东山街道, a traffic accident, a typhoon and a flood, a
food-poisoning outbreak, a gas leak — each played through the real services on its own
past days, in every state of the table: closed with their 终报, responding, reported, and
one whose first report is overdue now; one first report came late (迟报, with its reason).
Upper units sign for the reports.

`emergencies_demo_plan` returns (when, step) pairs; the demo builder merges them into its
history queue and plays each under `clock.frozen(when)`.
"""
import datetime as dt

from django.utils import timezone

from xinfang.core.services import case_transition
from xinfang.orgs.models import Unit, User

from .services import emergency_acknowledge, emergency_register

# (days before today, hh:mm it happened, title, type, grade, place code, reporter, site, enterprise,
#  description, ending, figures of the reports in order)
EVENTS = [
    (671, "14:20", "东山精密机械有限公司厂房火灾", "fire", "ordinary", "DSJD01", "handler", "青松路18号二号车间",
     "东山精密机械有限公司", "二号车间配电柜起火，引燃包装材料，厂内员工已自行疏散，消防救援站已到场扑救。", "closed",
     [dict(injured=0), dict(injured=1, economic_loss="23.5"), dict(relocated=60), dict(economic_loss="26.8")]),
    (586, "09:45", "东山五金加工厂机械伤害事故", "work_safety", "ordinary", "DSJD02", "inspector",
     "翠竹路6号冲压车间", "东山五金加工厂", "一名操作工在冲压作业中手部被压伤，已送区人民医院救治；车间已停产。", "closed",
     [dict(injured=1), dict(injured=1, economic_loss="3.2"), dict(), dict(economic_loss="4.0")]),
    (480, "05:30", "南港街道强降雨城市内涝", "flood", "ordinary", "NGJD02", "handler_ngjd", "渔湾路至港城大道低洼路段",
     "", "凌晨强降雨致渔湾路等低洼路段积水深约50厘米，部分沿街商铺进水，有车辆被困。", "closed",
     [dict(trapped=6), dict(trapped=0, relocated=35, economic_loss="40"), dict(relocated=35),
      dict(relocated=0, economic_loss="46.5")]),
    (460, "16:00", "第9号台风过境我区", "typhoon", "large", "SFQ", "district_reviewer", "全区沿海街道", "",
     "受第9号台风影响，我区沿海出现10级大风和暴雨，部分树木倒伏、临时建筑受损，沿海渔船已全部回港。", "closed",
     [dict(relocated=800), dict(relocated=1260, economic_loss="520"), dict(injured=2, relocated=1260),
      dict(injured=2, relocated=0, economic_loss="865")]),
    (432, "12:40", "明珠社区一学校食堂疑似食物中毒", "food", "ordinary", "DSJD03", "reviewer", "明珠路小学食堂", "",
     "午餐后陆续有学生出现腹痛、呕吐症状，已送医观察，市场监管、卫健部门已到场封存留样。", "closed",
     [dict(injured=17), dict(injured=23), dict(injured=23), dict(injured=23, economic_loss="1.5")]),
    (377, "18:10", "滨海大道三车追尾交通事故", "traffic", "ordinary", "XHJD01", "handler_xhjd", "滨海大道荷花路口东侧",
     "", "晚高峰三辆小型汽车追尾，两人受伤，交警已到场处置，东向车道临时封闭。", "closed",
     [dict(injured=2), dict(injured=2, economic_loss="8"), dict(), dict(economic_loss="9.6")]),
    (249, "10:15", "海港社区冷库施工坍塌事故", "work_safety", "ordinary", "NGJD01", "handler_ngjd", "海港路冷链园区在建冷库",
     "海港冷链物流有限公司", "在建冷库屋面钢结构坍塌，多名施工人员被困，消防、应急、卫健力量已赶赴现场搜救。", "closed_late",
     [dict(trapped=5, injured=2), dict(deaths=3, trapped=0, injured=4, economic_loss="650"), dict(deaths=3, injured=4),
      dict(deaths=3, injured=4, economic_loss="1180")]),
    (7, "03:20", "东山冷链仓储液氨泄漏", "work_safety", "ordinary", "DSJD01", "inspector", "青松路冷链仓储库区",
     "东山冷链仓储有限公司", "库区液氨管道阀门泄漏，值班人员两人吸入不适，周边居民已疏散，专业队伍正在堵漏。", "responding",
     [dict(injured=2, relocated=120), dict(injured=2, relocated=180), dict(injured=2, relocated=180)]),
    (4, "08:00", "荷花社区幼儿园诺如病毒聚集性疫情", "infectious", "ordinary", "XHJD01", "handler_xhjd",
     "荷花路幼儿园", "", "一周内幼儿园出现呕吐、腹泻病例12例，疾控中心已采样检测，园区已消毒。", "reported",
     [dict(injured=12), dict(injured=15)]),
    (2, "19:30", "北苑路燃气管道泄漏", "utility", "ordinary", "BYJD01", "handler_byjd", "北苑路与春晖街交叉口",
     "", "道路施工挖断中压燃气管道，燃气公司已关阀抢修，周边两栋居民楼人员临时疏散。", "responding",
     [dict(relocated=210), dict(relocated=210), dict(relocated=260)]),
    (1, "15:40", "柳岸社区山体局部滑坡", "geological", "ordinary", "XHJD02", "handler_xhjd", "柳岸山北坡步道",
     "", "连日降雨致北坡步道一处边坡局部滑塌，约200立方米，未造成人员伤亡，已设置警戒。", "reported",
     [dict()]),
    (1, "21:10", "翠竹社区居民楼电动车充电起火", "fire", "ordinary", "DSJD02", "handler", "翠竹小区5号楼一单元",
     "", "楼道内电动自行车充电时起火，消防已扑灭，正在核实有无人员受伤。", "learned", []),
]

TEXTS = {
    "first_report": "接报后街道主要负责人带队赶赴现场，组织疏散和先期处置，有关部门已到场。",
    "followup": "现场处置有序推进，伤亡和损失情况已进一步核实，下一步继续做好处置和稳控工作。",
    "response": "启动应急预案，设置警戒区域，组织人员疏散转移安置，协调医疗救护和抢险力量。",
    "final_report": "现场处置结束，受影响群众已妥善安置，善后和恢复工作基本完成，事故（事件）原因调查另行报告。",
}
SIGNERS = {"DSJD": "张伟", "XHJD": "李建华", "NGJD": "陈海涛", "BYJD": "刘志刚", "SFQ": "吴建国"}


def _at(day: dt.date, hhmm: str) -> dt.datetime:
    h, m = (int(x) for x in hhmm.split(":"))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(h, m)))


def emergencies_demo_plan(*, units: dict[str, Unit], users: dict[str, User], today: dt.date, rng) -> list:
    """Timed steps building the events. Reporters are the demo's logins of the streets (and
    the district's 赵强 for the typhoon); the district's 督查员 (`supervisor`) signs for the
    streets' reports and the city's 孙丽 (`city_reviewer`) for the district's."""
    steps: list = []
    for (days, hhmm, title, event_type, grade, place, reporter, site, enterprise, text, ending,
         figures) in EVENTS:
        actor = users.get(reporter)
        if actor is None or place not in units:
            continue
        occurred = _at(today - dt.timedelta(days=days), hhmm)
        learned = occurred + dt.timedelta(minutes=rng.randint(8, 25))
        signer = SIGNERS.get(place[:4], "张伟")
        upper = users.get("city_reviewer") if reporter == "district_reviewer" else users.get("supervisor")
        held: dict = {}

        def register(held=held, actor=actor, title=title, event_type=event_type, grade=grade, place=place,
                     site=site, enterprise=enterprise, text=text, occurred=occurred, learned=learned):
            held["case"] = emergency_register(actor=actor, data={
                "title": title, "description": text, "event_type": event_type, "grade": grade,
                "occurred_at": occurred.isoformat(), "learned_at": learned.isoformat(),
                "place_unit_id": units[place].pk, "site": site, "enterprise_name": enterprise})

        steps.append((learned + dt.timedelta(minutes=2), register))
        # (action, minutes after learning, figures index) up to the ending.
        late = ending == "closed_late"
        path = [("first_report", rng.randint(150, 200) if late else rng.randint(25, 55), 0)]
        if ending != "learned":
            path.append(("followup", path[-1][1] + rng.randint(90, 240), 1))
        if ending in ("responding", "closed", "closed_late"):
            path.append(("response", path[-1][1] + rng.randint(60, 180), 2))
        if ending in ("closed", "closed_late"):
            path.append(("final_report", path[-1][1] + rng.randint(2, 6) * 1440, 3))
        if ending == "learned":
            path = []
        for action, minutes, index in path:
            when = learned + dt.timedelta(minutes=minutes)

            def run(held=held, actor=actor, action=action, index=index, figures=figures, signer=signer, late=late):
                case = held["case"]
                case.refresh_from_db()
                payload = {"text": TEXTS[action], "signer": signer, **(figures[index] if index < len(figures) else {})}
                if action == "first_report" and late:
                    payload["late_reason"] = "现场搜救紧张，通信一度中断，恢复后立即报送。"
                if action == "final_report":
                    payload["cause"] = "原因初步分析见调查组报告。"
                if action == "followup" and late:
                    payload["grade"] = "large"     # three deaths confirmed: 较大 (条例 Art 3)
                held["case"] = case_transition(case=case, actor=actor, action=action, version=case.version,
                                               payload=payload)

            steps.append((when, run))
            if upper is not None and action in ("first_report", "final_report"):
                def sign(held=held, upper=upper):
                    case = held["case"]
                    case.refresh_from_db()
                    held["case"] = emergency_acknowledge(case=case, actor=upper, version=case.version)
                steps.append((when + dt.timedelta(minutes=rng.randint(5, 20)), sign))
    return steps
