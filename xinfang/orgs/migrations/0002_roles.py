from django.db import migrations

ROLES = [
    ("registrar", "登记员", True),
    ("handler", "承办人", True),
    ("reviewer", "审核人", True),
    ("leader", "领导", True),
    ("supervisor", "督查员", False),
    ("mediator", "网格员/调解员", False),
    ("inspector", "安全检查员", False),
    ("admin", "管理员", False),
]


def seed(apps, schema_editor):
    Role = apps.get_model("orgs", "Role")
    for code, name, sees in ROLES:
        Role.objects.update_or_create(code=code, defaults={"name": name, "sees_personal_data": sees})


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
