"""The engines' own full-text indexes over search_searchdocument: SQLite FTS5 (an
external-content table kept in step by triggers) or PostgreSQL (a generated tsvector,
'simple' configuration over the jieba-segmented text, with a GIN index). Each runs only
on its own engine; the model state does not change."""
from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title_seg, body_seg, names_seg,
        content='search_searchdocument', content_rowid='case_id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title_seg, body_seg, names_seg)
        VALUES (new.case_id, new.title_seg, new.body_seg, new.names_seg);
    END""",
    """CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_seg, body_seg, names_seg)
        VALUES ('delete', old.case_id, old.title_seg, old.body_seg, old.names_seg);
    END""",
    """CREATE TRIGGER search_fts_au AFTER UPDATE OF title_seg, body_seg, names_seg ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_seg, body_seg, names_seg)
        VALUES ('delete', old.case_id, old.title_seg, old.body_seg, old.names_seg);
        INSERT INTO search_fts(rowid, title_seg, body_seg, names_seg)
        VALUES (new.case_id, new.title_seg, new.body_seg, new.names_seg);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]

# Names in a vector of their own: a search leaves them out by not asking that index, with
# no weight restriction (which would make every match re-read the row).
POSTGRES_FORWARD = [
    """ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title_seg), 'A')
        || setweight(to_tsvector('simple'::regconfig, body_seg), 'B')) STORED""",
    """ALTER TABLE search_searchdocument ADD COLUMN tsv_names tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, names_seg)) STORED""",
    "CREATE INDEX search_document_tsv ON search_searchdocument USING gin (tsv)",
    "CREATE INDEX search_document_tsv_names ON search_searchdocument USING gin (tsv_names)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_tsv_names",
    "DROP INDEX IF EXISTS search_document_tsv",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv_names",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
