from django.db import migrations, models
import django.db.models.deletion


def default_scheme(apps, schema_editor):
    Scheme = apps.get_model("stats", "AssessmentScheme")
    Weight = apps.get_model("stats", "AssessmentWeight")
    scheme = Scheme.objects.create(
        name="信访工作考核（默认）",
        note="按期办结、满意、按期受理与重复信访；权重可在管理后台调整。")
    for indicator, weight, higher in [("first_on_time_rate", 30, True), ("satisfaction_rate", 30, True),
                                      ("acceptance_on_time_rate", 20, True), ("repeat_share", 10, False),
                                      ("backlog_cleared_rate", 10, True)]:
        Weight.objects.create(scheme=scheme, indicator=indicator, weight=weight, higher_is_better=higher)


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="AssessmentScheme",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=60, unique=True, verbose_name="方案名称")),
                ("note", models.TextField(blank=True, verbose_name="说明")),
                ("is_active", models.BooleanField(default=True, verbose_name="启用")),
            ],
            options={"verbose_name": "考核方案", "verbose_name_plural": "考核方案", "ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="AssessmentWeight",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("indicator", models.CharField(help_text="指标代码，见 docs/statistics.md", max_length=40, verbose_name="指标")),
                ("weight", models.PositiveSmallIntegerField(verbose_name="权重")),
                ("higher_is_better", models.BooleanField(default=True, help_text="不勾选：越低越好（如不满意率、重复信访占比），得分为 100 减去该比例", verbose_name="越高越好")),
                ("scheme", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="weights", to="stats.assessmentscheme", verbose_name="方案")),
            ],
            options={"verbose_name": "考核指标权重", "verbose_name_plural": "考核指标权重",
                     "constraints": [models.UniqueConstraint(fields=("scheme", "indicator"), name="assessment_weight_unique")]},
        ),
        migrations.RunPython(default_scheme, migrations.RunPython.noop),
    ]
