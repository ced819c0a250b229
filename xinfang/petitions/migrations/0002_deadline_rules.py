"""The national petition clocks (信访工作条例 2022). Provinces override them with rows of
their own in the admin (e.g. Zhejiang 2016: handle in 30 days)."""
from django.db import migrations

RULES = [
    # key, label, start_event, length, counting, obligation, max extension, source
    ("acceptance_notice", "受理告知", "received", 15, "calendar", "organ", 0, "信访工作条例第22条、第23条"),
    ("objection_window", "异议期", "transition", 5, "working", "organ", 0, "信访工作条例第23条"),
    ("handling", "办理期限", "transition", 60, "calendar", "organ", 30, "信访工作条例第34条"),
    ("review_window", "复查申请期", "transition", 30, "calendar", "petitioner", 0, "信访工作条例第35条"),
    ("review_answer", "复查期限", "transition", 30, "calendar", "organ", 0, "信访工作条例第35条"),
    ("rereview_window", "复核申请期", "transition", 30, "calendar", "petitioner", 0, "信访工作条例第36条"),
    ("rereview_answer", "复核期限", "transition", 30, "calendar", "organ", 0, "信访工作条例第36条（听证时间不计入）"),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for key, label, start, length, counting, obligation, ext, source in RULES:
        DeadlineRule.objects.update_or_create(key=key, province="", defaults=dict(
            label=label, start_event=start, length_days=length, counting=counting, obligation=obligation,
            max_extension_days=ext, legal_source=source))


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
