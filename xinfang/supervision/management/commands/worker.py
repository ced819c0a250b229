"""`xinfang worker`: the background worker. Every minute it checks whether today's daily
jobs are due and not yet claimed, enqueues them as a task, and runs queued tasks
(django-tasks, database backend). `xinfang serve` starts one alongside the web server.

    xinfang worker            run until stopped
    xinfang worker --once     enqueue what is due, run every queued task, exit (for cron or tests)
"""
import signal
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from django.utils import timezone

from xinfang.core import clock
from xinfang.supervision.scheduler import daily_claim, daily_due
from xinfang.supervision.tasks import daily_jobs


def _enqueue_due() -> bool:
    now = clock.now()
    day = timezone.localtime(now).date()
    if daily_due(now) and daily_claim(day=day):
        daily_jobs.enqueue(day.isoformat())
        return True
    return False


class Command(BaseCommand):
    help = "后台任务：每日定时任务（办结届满事项、临期超期提醒、督办提醒、短信）及任务队列"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="处理当前到期的任务后退出")
        parser.add_argument("--interval", type=float, default=60.0, help="检查间隔（秒）")

    def handle(self, *args, once: bool = False, interval: float = 60.0, **options):
        if once:
            queued = _enqueue_due()
            call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
            self.stdout.write("已处理每日任务。" if queued else "今日任务已处理过或未到时间。")
            return
        stop = threading.Event()

        def schedule():
            while not stop.is_set():
                try:
                    _enqueue_due()
                finally:
                    from django.db import connection
                    connection.close()
                stop.wait(interval)

        thread = threading.Thread(target=schedule, name="xinfang-scheduler", daemon=True)
        thread.start()
        previous = signal.getsignal(signal.SIGTERM)
        try:
            call_command("db_worker", "--interval", "2", verbosity=1)
        finally:
            stop.set()
            signal.signal(signal.SIGTERM, previous)
