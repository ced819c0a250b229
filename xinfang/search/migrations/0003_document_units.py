"""PostgreSQL: the ids of the units that have held a case, on its search document
(`unit_ids bigint[]`, GIN-indexed), so that a search ANDs the user's scope with the words
inside the indexes instead of visiting every match to test it. A street's handler sees 5 %
of a district's cases; testing the other 95 % of a common word's matches was what kept its
p95 over 100 ms at 1,000,000 cases (docs/search.md).

Kept by triggers, so that no write path has to remember it: a document takes its case's
links when it is inserted (search_index_case, search_reindex, bulk loads), and a link
added, moved or removed (core_caseunit) updates its case's document. The model state does
not change (like the tsvector of 0002); SQLite applies the scope with its own subquery.
"""
from django.db import migrations

_UNITS_OF = ("coalesce((SELECT array_agg(DISTINCT l.unit_id ORDER BY l.unit_id) FROM core_caseunit l"
             " WHERE l.case_id = {case}), '{{}}')")

POSTGRES_FORWARD = [
    "ALTER TABLE search_searchdocument ADD COLUMN unit_ids bigint[] NOT NULL DEFAULT '{}'",
    """UPDATE search_searchdocument d SET unit_ids = l.ids
       FROM (SELECT case_id, array_agg(DISTINCT unit_id ORDER BY unit_id) AS ids
             FROM core_caseunit GROUP BY case_id) l
       WHERE l.case_id = d.case_id""",
    "CREATE INDEX search_document_units ON search_searchdocument USING gin (unit_ids)",
    f"""CREATE FUNCTION search_document_units_fill() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.unit_ids := {_UNITS_OF.format(case="NEW.case_id")};
            RETURN NEW;
        END $$""",
    """CREATE TRIGGER search_document_units_fill BEFORE INSERT ON search_searchdocument
        FOR EACH ROW EXECUTE FUNCTION search_document_units_fill()""",
    # A row trigger: a link's case gets its units again (a case has a handful of links).
    # Only a changed array is written: every UPDATE recomputes the generated tsvectors.
    f"""CREATE FUNCTION search_document_units_follow() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                UPDATE search_searchdocument SET unit_ids = {_UNITS_OF.format(case="OLD.case_id")}
                 WHERE case_id = OLD.case_id
                   AND unit_ids IS DISTINCT FROM {_UNITS_OF.format(case="OLD.case_id")};
            END IF;
            IF TG_OP <> 'DELETE' THEN
                UPDATE search_searchdocument SET unit_ids = {_UNITS_OF.format(case="NEW.case_id")}
                 WHERE case_id = NEW.case_id
                   AND unit_ids IS DISTINCT FROM {_UNITS_OF.format(case="NEW.case_id")};
            END IF;
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER search_document_units_follow AFTER INSERT OR UPDATE OR DELETE ON core_caseunit
        FOR EACH ROW EXECUTE FUNCTION search_document_units_follow()""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_document_units_follow ON core_caseunit",
    "DROP FUNCTION IF EXISTS search_document_units_follow()",
    "DROP TRIGGER IF EXISTS search_document_units_fill ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_document_units_fill()",
    "DROP INDEX IF EXISTS search_document_units",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS unit_ids",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]
    operations = [migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD))]
