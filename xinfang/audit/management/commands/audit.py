from django.core.management.base import BaseCommand, CommandError

from xinfang.audit.services import audit_verify


class Command(BaseCommand):
    help = "审计日志：xinfang audit verify 校验哈希链，报告第一条被篡改的记录。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **opts):
        verdict = audit_verify()
        if verdict.ok:
            self.stdout.write(self.style.SUCCESS(f"审计链完整：共校验 {verdict.checked} 条记录。"))
            return
        raise CommandError(f"审计链被破坏：第 {verdict.first_bad_seq} 条记录{verdict.reason}"
                           f"（此前 {verdict.checked} 条完好）。")
