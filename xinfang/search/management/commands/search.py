"""`xinfang search reindex [--batch N]`: rebuild the full-text and same-matter indexes."""
from django.core.management.base import BaseCommand

from xinfang.search.services import search_reindex


class Command(BaseCommand):
    help = "检索索引维护：reindex 重建全文检索与同一事项索引"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        reindex = sub.add_parser("reindex", help="重建全部索引（分批，每批一个事务）")
        reindex.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "reindex":
            if options["batch"] < 1:
                self.stderr.write("--batch 须为正整数。")
                raise SystemExit(2)
            total = search_reindex(batch_size=options["batch"],
                                   progress=lambda n: self.stdout.write(f"已索引 {n} 件", ending="\r"))
            self.stdout.write(f"已重建检索索引：{total} 件案件。")
