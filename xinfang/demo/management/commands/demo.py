"""`xinfang demo [--if-empty] [--seed N] [--count N]`: build the 示范区 demo."""
import time

from django.core.management.base import BaseCommand, CommandError

from xinfang.core.errors import XinfangError
from xinfang.demo.builder import DEFAULT_COUNT, DEFAULT_SEED, DemoReport, demo_build, demo_database_empty
from xinfang.orgs.models import Unit


class Command(BaseCommand):
    help = "生成示范区演示数据（单位、账号、分类、约300件信访事项的完整办理过程）"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="数据库中已有单位时什么也不做（供 make run 每次调用）")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子（相同种子生成相同数据）")
        parser.add_argument("--count", type=int, default=DEFAULT_COUNT, help="信访事项数量（默认300；数量很少时仍会生成展示每种状态所需的约45件）")

    def handle(self, *args, if_empty: bool, seed: int, count: int, **options):
        if not demo_database_empty():
            if not if_empty:
                raise CommandError("数据库中已有单位数据，示范数据只能在空数据库中生成（可用 --if-empty 跳过）。")
            self.stdout.write(f"数据库中已有 {Unit.objects.count()} 个单位，跳过示范数据生成。")
            return
        self.stdout.write(f"正在生成示范数据（{count} 件信访事项，种子 {seed}）……")
        started = time.monotonic()
        try:
            report = demo_build(seed=seed, count=count)
        except XinfangError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"示范数据已生成，用时 {time.monotonic() - started:.1f} 秒。"))
        self.report_print(report)

    def report_print(self, r: DemoReport) -> None:
        w = self.stdout.write
        w("")
        w(f"信访事项共 {r.total} 件，按状态：")
        for code, label, n in r.by_state:
            w(f"  {_pad(label, 18)}{code:<21}{n:>4}")
        w(f"未办结事项中超期 {r.overdue} 件，临期 {r.due_soon} 件；申请期满自动办结 {r.closed_lapsed} 件；"
          f"领导接访日 {r.reception_days} 个。")
        if r.portal_unit:
            w(f"网上信访（公众门户）登记单位：{r.portal_unit}")
        w("")
        w(f"登录账号（密码均为 {r.password}）：")
        rows = [("用户名", "姓名", "单位", "角色", "可以试试")] + [
            (x["username"], x["name"], x["unit"], x["roles"], x["try"]) for x in r.logins]
        widths = [max(_width(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            cells = [_pad(row[i], widths[i]) for i in range(4)]
            w("  " + "  ".join(cells) + "  " + row[4])
        if r.staff_logins:
            units: dict[str, list[str]] = {}
            for x in r.staff_logins:
                units.setdefault(x["unit"], []).append(x["username"])
            w("")
            w("其他街道、部门的承办人/审核人（同一密码）：")
            for unit, names in units.items():
                w(f"  {unit}：{' / '.join(names)}")


def _width(text: str) -> int:
    """Display width: a Chinese character takes two columns."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
