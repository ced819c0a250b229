import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from xinfang.notifications.services import notifications_deadlines_send


class Command(BaseCommand):
    help = "发送临期、超期站内提醒（可重复执行：同一期限不重复提醒）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期计算（YYYY-MM-DD），默认今天")

    def handle(self, *args, **opts):
        today = None
        if opts["date"]:
            try:
                today = dt.date.fromisoformat(opts["date"])
            except ValueError:
                raise CommandError(f"--date 不是有效日期（格式：YYYY-MM-DD）：{opts['date']}") from None
        created = notifications_deadlines_send(today=today)
        self.stdout.write(f"新发送提醒 {created} 条。")
