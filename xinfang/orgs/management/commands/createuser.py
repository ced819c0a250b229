import getpass

from django.core.management.base import BaseCommand, CommandError

from xinfang.core.errors import XinfangError
from xinfang.orgs.models import Unit
from xinfang.orgs.services import user_create


class Command(BaseCommand):
    help = "新建工作人员：xinfang createuser 用户名 --unit 单位代码 --role registrar [--role ...]"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--unit", required=True, help="单位编号代码（short_code）")
        parser.add_argument("--role", action="append", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--scope", default="own", choices=["own", "subtree", "all"])
        parser.add_argument("--password", default=None, help="不填则交互输入")

    def handle(self, *args, username, unit, role, name, scope, password, **opts):
        found = Unit.objects.filter(short_code=unit).first()
        if found is None:
            raise CommandError(f"没有编号代码为 {unit} 的单位。")
        password = password or getpass.getpass("密码：")
        try:
            user = user_create(actor=None, username=username, password=password, unit=found, roles=role,
                               display_name=name, data_scope=scope)
        except XinfangError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"已创建用户 {user.username}（{found.name}）。"))
