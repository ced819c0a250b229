"""The 稳评 clocks. Neither the 条例 (2019) nor 发改投资〔2012〕2492号 fixes a number of days for
them: the lengths below are local practice, marked so, and an admin adjusts them (or adds a
province's row) in 期限规则."""
from django.db import migrations

RULES = [
    # key, label, start_event, length, counting, obligation, max extension, source
    ("assessment_report", "稳评报告期限", "transition", 30, "working", "organ", 0,
     "发改投资〔2012〕2492号；期限为地方实践口径（常见为30个工作日），待核实，可按本地规定调整"),
    ("assessment_monitoring", "跟踪监测周期", "transition", 90, "calendar", "organ", 0,
     "发改投资〔2012〕2492号（实施后跟踪监测）；周期为本地口径（按季度），可调整"),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for key, label, start, length, counting, obligation, ext, source in RULES:
        DeadlineRule.objects.update_or_create(key=key, province="", defaults=dict(
            label=label, start_event=start, length_days=length, counting=counting, obligation=obligation,
            max_extension_days=ext, legal_source=source))


def unseed(apps, schema_editor):
    apps.get_model("core", "DeadlineRule").objects.filter(key__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
