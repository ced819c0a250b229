"""`xinfang stats rebuild [--batch N]`: rebuild the petition facts and roll-ups the figures
are read from (after a bulk load, a restore, or an edit of the category tree or the holiday
calendar that moved due dates)."""
from django.core.management.base import BaseCommand

from xinfang.stats.facts import stats_rebuild


class Command(BaseCommand):
    help = "统计数据维护：rebuild 重建统计事实表与汇总表"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        rebuild = sub.add_parser("rebuild", help="重建全部信访统计事实与汇总（一个事务）")
        rebuild.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "rebuild":
            if options["batch"] < 1:
                self.stderr.write("--batch 须为正整数。")
                raise SystemExit(2)
            total = stats_rebuild(batch_size=options["batch"],
                                  progress=lambda n: self.stdout.write(f"已处理 {n} 件", ending="\r"))
            self.stdout.write(f"已重建统计数据：{total} 件信访事项。")
