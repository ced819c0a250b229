"""Put back the same-matter bands of the CLOSED cases of a bench database, so that
bench/samematter.py measures the worst case (bands of every case, as if all were open).
The product keeps bands for open cases only; bench/search_corpus.py writes them for every
case, and this restores that state after a run against the open cases alone.

    .venv/bin/python bench/samematter_allopen.py --url postgres://postgres@127.0.0.1:5432/xf_search1m
"""
import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    args = parser.parse_args()
    import psycopg

    from xinfang.search import text as t

    started = time.time()
    url = args.url.replace("postgres://", "postgresql://", 1)
    # Two connections: a COPY holds its connection, and the reading cursor fetches as it goes.
    source, conn = psycopg.connect(url), psycopg.connect(url)
    read = source.cursor(name="closed")
    read.itersize = 20000
    read.execute("SELECT c.id, c.title, c.content FROM core_case c WHERE NOT c.is_open AND NOT EXISTS "
                 "(SELECT 1 FROM search_samematterband b WHERE b.case_id = c.id)")
    write = conn.cursor()
    with write.copy("COPY search_samematterband (key, case_id) FROM STDIN") as cp:
        n = 0
        for cid, title, content in read:
            for key in set(t.lsh_keys(t.minhash(t.shingles(t.matter_text(title, content))))):
                cp.write_row((key, cid))
            n += 1
    conn.commit()
    conn.autocommit = True
    conn.execute("VACUUM ANALYZE search_samematterband")
    print(f"bands of {n} closed cases written in {time.time() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
