"""The hazard clocks. Provinces override them with rows of their own in the admin.

hazard_rectification and hazard_governance run to the date set in the order or the plan
(限期整改 / 治理时限); their length here is the default used when an order sets no date."""
from django.db import migrations

RULES = [
    # key, label, start_event, length, counting, obligation, max extension, source
    ("hazard_rectification", "限期整改期限", "transition", 30, "calendar", "organ", 0,
     "安全生产法第41条；16号令第15条（期限以整改指令确定的日期为准）"),
    ("hazard_governance", "重大隐患治理时限", "transition", 90, "calendar", "organ", 0,
     "16号令第15条（以治理方案确定的时限为准）"),
    ("hazard_resume_review", "复产申请现场审查", "transition", 10, "calendar", "organ", 0,
     "16号令第23条：收到申请后10日内现场审查"),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for key, label, start, length, counting, obligation, ext, source in RULES:
        DeadlineRule.objects.update_or_create(key=key, province="", defaults=dict(
            label=label, start_event=start, length_days=length, counting=counting, obligation=obligation,
            max_extension_days=ext, legal_source=source))


def unseed(apps, schema_editor):
    apps.get_model("core", "DeadlineRule").objects.filter(key__in=[r[0] for r in RULES], province="").delete()


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
