"""Realistic case texts from the public messages (../shared/data/teddy2020), and a bulk
loader that writes N cases with their search documents and same-matter bands straight
into PostgreSQL by COPY (the measured reads go through the selectors; only the data is
made here, bypassing the services for speed).

    .venv/bin/python bench/search_corpus.py --url postgres://postgres@127.0.0.1:5432/xf_search_bench --cases 1000000

Texts: each case takes a real title and 2–6 sentences drawn from all messages; closed cases
get an answer made of sentences of the government's real replies; 2 % of cases are
rewordings of an earlier case (a sentence dropped, another added: a resubmitted matter).
Sentences are segmented once and their segmentations joined, which is what segmenting
the joined text gives (sentences end at punctuation, where jieba cuts anyway).
"""
import argparse
import csv
import datetime as dt
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("XINFANG_TEDDY", ROOT.parent / "shared" / "data" / "teddy2020"))
sys.path.insert(0, str(ROOT))

_SPLIT = re.compile(r"(?<=[。！？!?；;])|\n+")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕文红玉兰晓东春梅国强"


def _clean(text: str) -> str:
    return re.sub(r"[ \t\r\u3000]+", "", text or "").strip()


def sentences_of(text: str) -> list[str]:
    return [s for s in (_clean(x) for x in _SPLIT.split(text or "")) if 8 <= len(s) <= 160]


def corpus_rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class Corpus:
    """Titles, message sentences and reply sentences of the public data, each with its
    segmentation computed once."""

    def __init__(self):
        from xinfang.search import text as t

        self.t = t
        titles, sents, replies = set(), set(), set()
        for name in ("messages_with_votes.csv", "messages_with_replies.csv", "messages_labelled.csv"):
            for row in corpus_rows(name):
                if _clean(row["留言主题"]):
                    titles.add(_clean(row["留言主题"]))
                sents.update(sentences_of(row["留言详情"]))
                if "答复意见" in row:
                    replies.update(sentences_of(row["答复意见"]))
        for row in corpus_rows("titles_labelled.csv"):
            if _clean(row["留言主题"]):
                titles.add(_clean(row["留言主题"]))
        self.titles = sorted(titles)
        self.sentences = sorted(sents)
        self.replies = sorted(replies)
        started = time.time()
        self.title_seg = [t.segmented(x) for x in self.titles]
        self.sentence_seg = [t.segmented(x) for x in self.sentences]
        self.reply_seg = [t.segmented(x) for x in self.replies]
        print(f"corpus: {len(self.titles)} titles, {len(self.sentences)} sentences, {len(self.replies)} reply "
              f"sentences, segmented in {time.time() - started:.0f} s", file=sys.stderr)


def name_random(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def load(url: str, n: int, *, seed: int = 20260302, batch: int = 20000) -> None:
    import numpy as np  # noqa: F401  (minhash)
    import psycopg

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from xinfang.orgs.models import DataScope, Unit, UnitLevel, User
    from xinfang.orgs.services import user_create
    from xinfang.search.named_places import named_places_of_matter

    corpus = Corpus()
    t = corpus.t
    rng = random.Random(seed)
    # Units: 市 → 区 → 信访局, 10 streets, 10 departments.
    if not Unit.objects.filter(short_code="SFQXFJ").exists():
        city = Unit.objects.create(name="示范市", short_code="SFS", level=UnitLevel.CITY)
        district = Unit.objects.create(name="示范区", short_code="SFQ", level=UnitLevel.DISTRICT, parent=city)
        Unit.objects.create(name="示范区信访局", short_code="SFQXFJ", level=UnitLevel.BUREAU, parent=district)
        for i in range(10):
            Unit.objects.create(name=f"第{i + 1}街道", short_code=f"JD{i}", level=UnitLevel.STREET, parent=district)
            Unit.objects.create(name=f"第{i + 1}局", short_code=f"BM{i}", level=UnitLevel.DEPARTMENT, parent=district)
    bureau = Unit.objects.get(short_code="SFQXFJ")
    streets = list(Unit.objects.filter(level=UnitLevel.STREET).order_by("id"))
    owners = list(Unit.objects.filter(level__in=[UnitLevel.STREET, UnitLevel.DEPARTMENT]).order_by("id"))
    for username, unit, roles, scope in (("bench_leader", bureau.parent, ["leader"], DataScope.ALL),
                                         ("bench_registrar", bureau.parent, ["registrar"], DataScope.SUBTREE),
                                         ("bench_handler", streets[3], ["handler"], DataScope.OWN_UNIT),
                                         ("bench_inspector", bureau.parent, ["inspector"], DataScope.SUBTREE)):
        if not User.objects.filter(username=username).exists():
            user_create(actor=None, username=username, password="bench-12345", unit=unit, roles=roles,
                        data_scope=scope)

    conn = psycopg.connect(url.replace("postgres://", "postgresql://", 1))
    cur = conn.cursor()
    start_id = (cur.execute("SELECT coalesce(max(id), 0) FROM core_case").fetchone()[0]) + 1
    today = dt.date.today()
    # Bulk load without the full-text and band indexes; rebuilt once at the end.
    cur.execute("DROP INDEX IF EXISTS search_document_tsv")
    cur.execute("DROP INDEX IF EXISTS search_document_units")
    cur.execute("ALTER TABLE search_samematterband DROP CONSTRAINT IF EXISTS search_samematterband_pkey")
    cur.execute("ALTER TABLE search_samematterplace DROP CONSTRAINT IF EXISTS search_samematterplace_pkey")
    conn.commit()
    recent: list[tuple[int, list[int]]] = []   # (title index, sentence indexes) to reword
    started = time.time()
    made = 0
    while made < n:
        size = min(batch, n - made)
        cases, links, people, answers, docs, bands, places = [], [], [], [], [], [], []
        for j in range(size):
            cid = start_id + made + j
            if recent and rng.random() < 0.02:
                ti, picks = rng.choice(recent)
                picks = list(picks)
                if len(picks) > 2:
                    picks.pop(rng.randrange(len(picks)))
                picks.append(rng.randrange(len(corpus.sentences)))
            else:
                ti = rng.randrange(len(corpus.titles))
                picks = [rng.randrange(len(corpus.sentences)) for _ in range(rng.randint(2, 6))]
            if len(recent) < 5000:
                recent.append((ti, picks))
            else:
                recent[rng.randrange(5000)] = (ti, picks)
            title = corpus.titles[ti][:200]
            content = "".join(corpus.sentences[p] for p in picks)
            received = today - dt.timedelta(days=rng.randint(0, 720))
            is_open = rng.random() < 0.5
            owner = rng.choice(owners)
            place = rng.choice(streets)
            created = dt.datetime.combine(received, dt.time(9), tzinfo=dt.timezone.utc)
            cases.append((cid, "petition", f"XF{received.year}-SFQXFJ-{cid:08d}", received.year, cid, title, content,
                          "accepted" if is_open else "closed", is_open, 3, f"Q{cid:011d}", received,
                          received + dt.timedelta(days=60) if is_open else None, created, created,
                          None if is_open else created + dt.timedelta(days=50), owner.pk, place.pk, bureau.pk))
            links.append((cid, bureau.pk))
            links.append((cid, owner.pk))
            name = name_random(rng)
            people.append((cid, name, "", f"139{cid % 100000000:08d}", "", False, 0))
            body_seg = " ".join(corpus.sentence_seg[p] for p in picks)
            answer_count = 0
            if not is_open:
                reply = [rng.randrange(len(corpus.replies)) for _ in range(rng.randint(2, 4))]
                facts = "".join(corpus.replies[r] for r in reply)
                answers.append((cid, "answer", "support", facts, "《信访工作条例》第三十二条", "", owner.pk,
                                created + dt.timedelta(days=40), "approved", created + dt.timedelta(days=41), ""))
                # Segmented as the index does: facts, legal basis, text.
                body_seg += " " + " ".join(corpus.reply_seg[r] for r in reply) + " " + t.segmented(
                    "《信访工作条例》第三十二条")
                answer_count = 1
            docs.append((cid, corpus.title_seg[ti], body_seg, t.text_normalize(name), None, is_open, answer_count))
            # Bands for every case, open or not: the look-up is measured against all of them.
            for key in set(t.lsh_keys(t.minhash(t.shingles(t.matter_text(title, content))))):
                bands.append((key, cid))
            if is_open:
                places += [(name, cid, received) for name in named_places_of_matter(title=title, content=content)]
        with cur.copy("COPY core_case (id, kind, number, year, seq, title, content, status, is_open, version, "
                      "query_code, received_date, next_due_date, created_at, updated_at, closed_at, owner_unit_id, "
                      "place_unit_id, registered_unit_id) FROM STDIN") as cp:
            for row in cases:
                cp.write_row(row)
        with cur.copy("COPY core_caseunit (case_id, unit_id) FROM STDIN") as cp:
            for row in links:
                cp.write_row(row)
        with cur.copy('COPY petitions_petitioner (case_id, name, id_number, phone, address, is_representative, '
                      '"order") FROM STDIN') as cp:
            for row in people:
                cp.write_row(row)
        with cur.copy("COPY petitions_answer (case_id, stage, decision, facts, legal_basis, text, unit_id, "
                      "submitted_at, status, decided_at, return_reason) FROM STDIN") as cp:
            for row in answers:
                cp.write_row(row)
        with cur.copy("COPY search_searchdocument (case_id, title_seg, body_seg, names_seg, accused_unit_id, "
                      "is_open, answer_count) FROM STDIN") as cp:
            for row in docs:
                cp.write_row(row)
        with cur.copy("COPY search_samematterband (key, case_id) FROM STDIN") as cp:
            for row in bands:
                cp.write_row(row)
        with cur.copy("COPY search_samematterplace (name, case_id, received_date) FROM STDIN") as cp:
            for row in places:
                cp.write_row(row)
        conn.commit()
        made += size
        rate = made / (time.time() - started)
        print(f"{made} cases ({rate:.0f}/s)", file=sys.stderr, flush=True)
    cur.execute("SELECT setval(pg_get_serial_sequence('core_case', 'id'), (SELECT max(id) FROM core_case))")
    cur.execute("SET maintenance_work_mem = '512MB'")
    print("indexing…", file=sys.stderr, flush=True)
    cur.execute("CREATE INDEX search_document_tsv ON search_searchdocument USING gin (tsv)")
    # Its units: filled from core_caseunit by the document's insert trigger (search migration 0003).
    cur.execute("CREATE INDEX search_document_units ON search_searchdocument USING gin (unit_ids)")
    cur.execute("ALTER TABLE search_samematterband ADD CONSTRAINT search_samematterband_pkey PRIMARY KEY (key, case_id)")
    cur.execute("ALTER TABLE search_samematterplace ADD CONSTRAINT search_samematterplace_pkey PRIMARY KEY (name, case_id)")
    conn.commit()
    conn.autocommit = True
    cur.execute("VACUUM ANALYZE")
    print(f"loaded {n} cases in {time.time() - started:.0f} s", file=sys.stderr)


def places_backfill(url: str, *, batch: int = 20000) -> None:
    """The same-matter place rows of the open cases of a database loaded before they existed
    (search migration 0004): read back, found by the product's finder, written by COPY."""
    import psycopg

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from xinfang.search.named_places import MATTER_PLACE_CHARS, named_places_of_matter

    conn = psycopg.connect(url.replace("postgres://", "postgresql://", 1))
    cur = conn.cursor()
    started, last, made = time.time(), 0, 0
    while True:
        rows = cur.execute("SELECT id, title, left(content, %s), received_date FROM core_case WHERE is_open"
                           " AND id > %s ORDER BY id LIMIT %s", [MATTER_PLACE_CHARS, last, batch]).fetchall()
        if not rows:
            break
        with cur.copy("COPY search_samematterplace (name, case_id, received_date) FROM STDIN") as cp:
            for cid, title, head, received in rows:
                for name in named_places_of_matter(title=title, content=head):
                    cp.write_row((name, cid, received))
                    made += 1
        conn.commit()
        last = rows[-1][0]
        print(f"open cases to {last}: {made} place rows ({time.time() - started:.0f} s)", file=sys.stderr, flush=True)
    conn.commit()
    conn.autocommit = True
    cur.execute("VACUUM ANALYZE search_samematterplace")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--places-only", action="store_true",
                        help="only add the same-matter place rows to a database loaded before they existed")
    args = parser.parse_args()
    if args.places_only:
        places_backfill(args.url)
    else:
        load(args.url, args.cases)


if __name__ == "__main__":
    main()
