from django.core.management.base import BaseCommand, CommandError

from xinfang.core.models import DeadlineRule
from xinfang.core.workflow import workflows_all


class Command(BaseCommand):
    help = "检查每个流程表：状态可达、时钟都有期限规则。"

    def handle(self, *args, **opts):
        known = set(DeadlineRule.objects.values_list("key", flat=True))
        problems = []
        for wf in workflows_all():
            reachable = {wf.creating().target}
            for t in wf.transitions.values():
                if t.target:
                    reachable.add(t.target)
                for key in (*t.starts, *t.stops, *t.pauses, *t.resumes):
                    if key not in known:
                        problems.append(f"{wf.kind}.{t.action}: 时钟 {key} 没有期限规则")
            for code in set(wf.states) - reachable:
                problems.append(f"{wf.kind}: 状态 {code} 不可达")
            self.stdout.write(f"{wf.kind}（{wf.label}）：{len(wf.states)} 个状态，{len(wf.transitions)} 个动作")
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(self.style.SUCCESS("流程表检查通过。"))
