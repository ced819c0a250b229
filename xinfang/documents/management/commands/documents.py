"""`xinfang documents regenerate NUMBER` re-renders a case's documents (keeping their
numbers) and adds any missing; `xinfang documents backfill` adds the documents missing for
steps taken before this app existed."""
from django.core.management.base import BaseCommand, CommandError

from xinfang.core.models import Case
from xinfang.documents.services import documents_backfill, documents_regenerate


class Command(BaseCommand):
    help = "文书维护：regenerate 编号 重新生成某案件的文书；backfill 补齐缺少的文书"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        regenerate = sub.add_parser("regenerate", help="按现行模板重新生成一件案件的全部文书（文号不变）")
        regenerate.add_argument("number", help="案件编号，例如 XF2026-SFQXFJ-00001")
        sub.add_parser("backfill", help="为此前未生成文书的办理步骤补齐文书")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "regenerate":
            case = Case.objects.filter(number=options["number"].strip()).first()
            if case is None:
                raise CommandError(f"案件编号 {options['number']} 不存在。")
            rendered, created = documents_regenerate(case=case)
            self.stdout.write(f"{case.number}：重新生成 {rendered} 份，补齐 {created} 份文书。")
        else:
            created = documents_backfill(progress=lambda n: self.stdout.write(f"已补齐 {n} 份", ending="\r"))
            self.stdout.write(f"已补齐文书 {created} 份。")
