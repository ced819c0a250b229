"""The first-report time limits (hours), per grade, with a row for work-safety accidents.
Admins adjust them to the province's 突发事件信息报送办法 in the admin (首报时限).

- 国家突发公共事件总体应急预案（2006）4.2: 特别重大、重大 events are reported at once, at the
  latest within 4 hours; the provinces' 信息报送办法 commonly ask for a telephone report within
  30 minutes and a written one within 1 hour for 较大 and above — the default here is 1 hour.
- 生产安全事故报告和调查处理条例 第9条: the head of the unit reports within 1 hour of learning of
  an accident, whatever its grade; 第10条: each level passes it up within 2 hours.
- 突发公共卫生事件应急条例 第19条: reports within 2 hours.
"""
from django.db import migrations

RULES = [
    # grade, event type ("" = every type), hours, source
    ("extraordinary", "", 1, "国家突发公共事件总体应急预案4.2（立即报告，最迟不超过4小时）；各地信息报送办法：1小时内书面报告"),
    ("major", "", 1, "国家突发公共事件总体应急预案4.2（立即报告，最迟不超过4小时）；各地信息报送办法：1小时内书面报告"),
    ("large", "", 1, "各地突发事件信息报送办法：较大及以上事件30分钟内电话报告、1小时内书面报告"),
    ("ordinary", "", 2, "生产安全事故报告和调查处理条例第10条、突发公共卫生事件应急条例第19条（2小时内）"),
    ("ordinary", "work_safety", 1, "生产安全事故报告和调查处理条例第9条（单位负责人接报后1小时内报告）"),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("emergencies", "FirstReportRule")
    for grade, event_type, hours, source in RULES:
        Rule.objects.update_or_create(grade=grade, event_type=event_type,
                                      defaults={"hours": hours, "legal_source": source})


def unseed(apps, schema_editor):
    Rule = apps.get_model("emergencies", "FirstReportRule")
    for grade, event_type, _, _ in RULES:
        Rule.objects.filter(grade=grade, event_type=event_type).delete()


class Migration(migrations.Migration):
    dependencies = [("emergencies", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
