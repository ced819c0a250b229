"""Kept for the migration graph: the fill of an upgraded database's facts runs in the latest
migration that changes them (0004), since a rebuild writes the facts as the code has them now."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("stats", "0002_case_facts_rollups"), ("petitions", "__latest__"), ("core", "__latest__")]
    operations: list = []
