from django.core.management.base import BaseCommand, CommandError

from xinfang.api.services import api_token_issue
from xinfang.core import clock
from xinfang.core.errors import XinfangError
from xinfang.orgs.models import User


class Command(BaseCommand):
    help = "为用户签发接口令牌：xinfang token 用户名 [--name 用途]。令牌只显示这一次。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="令牌用途，默认“命令行签发 + 日期”")

    def handle(self, *args, username, name, **opts):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户名为 {username} 的用户。")
        try:
            _, plain = api_token_issue(user=user, name=name or f"命令行签发 {clock.today():%Y-%m-%d}")
        except XinfangError as exc:
            raise CommandError(exc.message) from None
        # The token alone on stdout, so `TOKEN=$(xinfang token alice)` works; the notice on stderr.
        self.stdout.write(plain)
        self.stderr.write(f"已为 {user.username} 签发接口令牌；请妥善保存，令牌不会再次显示。")
