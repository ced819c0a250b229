"""The dispute clocks and the default screening cadences. Both are configuration: a
province overrides a clock with a row of its own in the admin, and a district edits the
cadences (矛盾纠纷排查: 村/居 weekly, 镇/单位 half-monthly, 县 monthly)."""
import datetime as dt

from django.db import migrations

RULES = [
    # key, label, start_event, length, counting, obligation, max extension, source
    ("dispute_mediation", "调解期限", "transition", 30, "calendar", "organ", 0,
     "《人民调解工作若干规定》第33条（一般在一个月内调结）"),
    ("dispute_followup", "履行回访", "transition", 30, "calendar", "organ", 0,
     "人民调解法第31条（回访时限为工作规范，可配置）"),
    ("dispute_confirmation_window", "司法确认申请期", "transition", 30, "calendar", "petitioner", 0,
     "人民调解法第33条"),
    ("dispute_confirmation_ruling", "司法确认审查期", "transition", 15, "calendar", "organ", 10,
     "《最高人民法院关于人民调解协议司法确认程序的若干规定》第6条"),
]

CADENCES = [
    # level, cadence, grace days
    ("community", "weekly", 1),
    ("street", "half_monthly", 2),
    ("department", "half_monthly", 2),
    ("district", "monthly", 3),
]
EFFECTIVE_FROM = dt.date(2025, 1, 1)


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for key, label, start, length, counting, obligation, ext, source in RULES:
        DeadlineRule.objects.update_or_create(key=key, province="", defaults=dict(
            label=label, start_event=start, length_days=length, counting=counting, obligation=obligation,
            max_extension_days=ext, legal_source=source))
    ScreeningCadence = apps.get_model("disputes", "ScreeningCadence")
    for level, cadence, grace in CADENCES:
        ScreeningCadence.objects.get_or_create(level=level, defaults=dict(
            cadence=cadence, grace_days=grace, effective_from=EFFECTIVE_FROM))


class Migration(migrations.Migration):
    dependencies = [("disputes", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
