"""Fill the petition facts and roll-ups of a database that already has cases (an upgrade).
It runs the current rebuild; on an empty database it does nothing."""
from django.db import migrations


def fill(apps, schema_editor):
    Case = apps.get_model("core", "Case")
    if not Case.objects.filter(kind="petition").exists():
        return
    from xinfang.stats.facts import stats_rebuild
    stats_rebuild()


class Migration(migrations.Migration):
    dependencies = [("stats", "0002_case_facts_rollups"), ("petitions", "__latest__"), ("core", "__latest__")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
