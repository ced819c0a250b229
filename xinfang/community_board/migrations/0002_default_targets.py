"""The default targets of the 平安创建 board. Admins change, add or switch them off in the
admin (平安创建目标)."""
from django.db import migrations

TARGETS = [
    # name, figure, max, order, basis
    ("无越级集体访", "skip_collective", 0, 10, "信访工作条例第二十条（集体访）；平安建设考评通行指标"),
    ("无较大以上安全生产事故", "accidents_large", 0, 20, "生产安全事故报告和调查处理条例第三条（较大：死亡3人以上）"),
    ("无民转刑案件", "police_referrals", 0, 30, "人民调解法第二十五条（可能引发治安、刑事案件的纠纷报告公安机关）"),
    ("重大事故隐患清零", "hazards_major_open", 0, 40, "安全生产法第四十一条；安全生产事故隐患排查治理暂行规定"),
    ("矛盾纠纷不积压", "disputes_open", 3, 50, "“小事不出村、大事不出镇”：期末未化解纠纷不超过3件"),
]


def seed(apps, schema_editor):
    Target = apps.get_model("community_board", "BoardTarget")
    for name, figure, max_count, order, basis in TARGETS:
        Target.objects.update_or_create(name=name, defaults=dict(figure=figure, max_count=max_count, order=order,
                                                                 basis=basis))


def unseed(apps, schema_editor):
    apps.get_model("community_board", "BoardTarget").objects.filter(name__in=[t[0] for t in TARGETS]).delete()


class Migration(migrations.Migration):
    dependencies = [("community_board", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
