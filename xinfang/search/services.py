"""Writes to the search indexes. `search_index_case` runs as a case-write hook inside the
writing transaction (core.hooks): an index never disagrees with a committed case, and a
failing index rolls the write back. `search_reindex` rebuilds everything in batches."""
from collections.abc import Iterable

from django.db import transaction

from xinfang.core.models import Case, Event
from xinfang.petitions.models import Answer, Petitioner

from . import text as t
from .models import SameMatterBand, SameMatterPlace, SearchDocument
from .named_places import named_places_of_matter
from .topics import case_topic_features

# Answers that are not (yet) part of the matter's record: a returned draft stays out.
_ANSWER_INDEXED = ("pending", "approved")


def _answers_text(answers: Iterable[Answer]) -> str:
    return "\n".join(f"{a.facts}\n{a.legal_basis}\n{a.text}" for a in answers)


def search_document_build(*, case: Case, answers: list[Answer], names: list[str]) -> SearchDocument:
    """The segmented texts of one case (no database access)."""
    body = case.content + ("\n" + _answers_text(answers) if answers else "")
    title_seg, body_seg = t.segmented(case.title), t.segmented(body)
    places, words = case_topic_features(title=case.title, content=case.content, title_seg=title_seg,
                                        body_seg=body_seg)
    return SearchDocument(
        case_id=case.pk, title_seg=title_seg, body_seg=body_seg,
        names_seg=" ".join(t.text_normalize(n).strip() for n in names if n.strip()),
        accused_unit_id=case.accused_unit_id, is_open=case.is_open, answer_count=len(answers),
        topic_places="\n".join(places), topic_words=" ".join(words),
    )


def same_matter_bands_build(*, case: Case) -> list[SameMatterBand]:
    signature = t.minhash(t.shingles(t.matter_text(case.title, case.content)))
    return [SameMatterBand(key=k, case_id=case.pk) for k in sorted(set(t.lsh_keys(signature)))]


def same_matter_places_build(*, case: Case, doc: SearchDocument | None = None) -> list[SameMatterPlace]:
    """The case's named places, read from its just-built document when there is one (the same
    text, already read for the topics) rather than read again."""
    names = (doc.topic_places.split("\n") if doc.topic_places else []) if doc is not None \
        else named_places_of_matter(title=case.title, content=case.content)
    return [SameMatterPlace(name=name, case_id=case.pk, received_date=case.received_date) for name in names]


def _full_index(case: Case, *, exists: bool) -> SearchDocument:
    answers = list(Answer.objects.filter(case_id=case.pk, status__in=_ANSWER_INDEXED).order_by("id"))
    names = list(Petitioner.objects.filter(case_id=case.pk).order_by("order").values_list("name", flat=True))
    doc = search_document_build(case=case, answers=answers, names=names)
    doc.save(force_insert=not exists, force_update=exists)
    return doc


def _bands_sync(case: Case, *, was_open: bool | None, doc: SearchDocument | None = None) -> None:
    """The same-matter indexes (bands and named places) hold open cases only."""
    if case.is_open and was_open is not True:
        SameMatterBand.objects.bulk_create(same_matter_bands_build(case=case), ignore_conflicts=True)
        SameMatterPlace.objects.bulk_create(same_matter_places_build(case=case, doc=doc), ignore_conflicts=True)
    elif not case.is_open and was_open is not False:
        SameMatterBand.objects.filter(case_id=case.pk).delete()
        SameMatterPlace.objects.filter(case_id=case.pk).delete()


def search_index_case(*, case: Case, event: Event | None = None) -> None:
    """Keep both indexes in step with one write of a case.

    A new case is indexed whole. Afterwards only two things change what is indexed: an
    answer written, returned or approved (its event carries `answer_id`), and the case
    opening or closing (bands are kept for open cases only). Anything else costs one
    indexed read."""
    row = SearchDocument.objects.filter(pk=case.pk).values("is_open").first()
    answer_changed = event is not None and "answer_id" in (event.payload or {})
    doc = None
    if row is None or answer_changed:
        doc = _full_index(case, exists=row is not None)
    elif row["is_open"] != case.is_open:
        SearchDocument.objects.filter(pk=case.pk).update(is_open=case.is_open)
    _bands_sync(case, was_open=None if row is None else row["is_open"], doc=doc)


def search_reindex(*, batch_size: int = 1000, progress=None) -> int:
    """Rebuild every document, and the bands and named places of every open case, a batch per
    transaction. Running it twice gives the same indexes. Returns the number of cases indexed."""
    done, last = 0, 0
    while True:
        cases = list(Case.objects.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not cases:
            return done
        ids = [c.pk for c in cases]
        answers: dict[int, list[Answer]] = {}
        for a in Answer.objects.filter(case_id__in=ids, status__in=_ANSWER_INDEXED).order_by("id"):
            answers.setdefault(a.case_id, []).append(a)
        names: dict[int, list[str]] = {}
        for case_id, name in Petitioner.objects.filter(case_id__in=ids).order_by("case_id", "order") \
                .values_list("case_id", "name"):
            names.setdefault(case_id, []).append(name)
        docs = [search_document_build(case=c, answers=answers.get(c.pk, []), names=names.get(c.pk, []))
                for c in cases]
        bands = [b for c in cases if c.is_open for b in same_matter_bands_build(case=c)]
        places = [p for c, doc in zip(cases, docs) if c.is_open for p in same_matter_places_build(case=c, doc=doc)]
        with transaction.atomic():
            # Delete then insert: the FTS5 triggers and the generated tsvector follow.
            SearchDocument.objects.filter(pk__in=ids).delete()
            SearchDocument.objects.bulk_create(docs)
            SameMatterBand.objects.filter(case_id__in=ids).delete()
            SameMatterBand.objects.bulk_create(bands, ignore_conflicts=True)
            SameMatterPlace.objects.filter(case_id__in=ids).delete()
            SameMatterPlace.objects.bulk_create(places, ignore_conflicts=True)
        done += len(cases)
        last = ids[-1]
        if progress is not None:
            progress(done)
