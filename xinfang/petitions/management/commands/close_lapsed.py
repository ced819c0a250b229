from django.core.management.base import BaseCommand

from xinfang.petitions.services import petitions_close_lapsed


class Command(BaseCommand):
    help = "办结申请复查/复核期限已届满的信访事项（可重复执行）。"

    def handle(self, *args, **opts):
        closed = petitions_close_lapsed()
        self.stdout.write(f"办结 {len(closed)} 件。")
