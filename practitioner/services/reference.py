"""Use cases on the reference library: seeding it from the shipped content, search as you
type, reading entries, the practitioner's own notes, flags for a patient, red-flag reviews,
and what was inserted from the library into session notes.

The library lives in the records file (`reference_entry`, seeded by slug), so a session can
say which version of an entry it quoted, and notes survive content updates. Search uses
the full-text index `reference_fts`: an FTS5 table on SQLite, a table with a weighted
tsvector under a GIN index on PostgreSQL (same columns, same results contract); LIKE
remains as a fallback (`full_text=False`).
"""

from __future__ import annotations

import functools
import json
import logging
import operator
import re
import sqlite3
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import peewee

from practitioner.content.errors import ContentError
from practitioner.content.points import load_points
from practitioner.content.reference import KINDS, Entry, entry_from_raw, entry_to_raw
from practitioner.content.search_terms import load_search_terms
from practitioner.db.base import database
from practitioner.db.dialect import is_postgres, portable
from practitioner.db.errors import translated_errors
from practitioner.db.models import (
    AuditRow,
    PatientRow,
    RedFlagReviewRow,
    ReferenceEntryRow,
    ReferenceNoteRow,
    SessionReferenceRow,
    SessionRow,
)
from practitioner.db.models.reference import FTS_COLUMNS, FTS_TABLE
from practitioner.db.transactions import write_transaction
from practitioner.domain.audit import AuditAction
from practitioner.domain.conflicts import EditConflict, EditConflictError
from practitioner.domain.forgiving_search import Forgiver, ForgivingQuery, SearchTerms
from practitioner.domain.patient import Condition, Medication, PatientInput
from practitioner.domain.reference_flags import (
    REVIEW_ACTIONS,
    Flag,
    RedFlagReview,
    ReviewAction,
    open_red_flags,
    patient_flags,
)
from practitioner.domain.reference_query import FullTextQuery
from practitioner.domain.session import SessionReference
from practitioner.domain.spelling import fold
from practitioner.domain.validation import FieldError, ValidationError
from practitioner.errors import ErrorKind, KnownError
from practitioner.services.audit import AuditService
from practitioner.services.clock import Clock, aware, utc_now
from practitioner.services.conflicts import claim, last_change
from practitioner.services.identity import UserSource, current
from practitioner.services.patients import PatientService

log = logging.getLogger(__name__)

MAX_LIMIT = 200
# Fewer entries than this matching every word typed: entries matching any word follow.
FEW_HITS = 5
# Entries to refer this soon are grave answers to a benign description.
GRAVE_URGENCIES = frozenset({"soon", "urgent", "emergency"})
# A name this many entries share ("leg cramps") names none of them.
SHARED_NAME = 5
# The kinds of entry that can stand first as the common cause of what was described.
BENIGN_LEADS = frozenset({"cause", "condition"})
# bm25 weights of the index columns, in FTS_COLUMNS order: a word in the title or among
# the synonyms says far more about what an entry is about than one in the body.
WEIGHTS = {"title": 10.0, "synonyms": 8.0, "summary": 4.0, "body": 1.0, "clues": 2.0}
# PostgreSQL has four weight classes (D, C, B, A in ts_rank's array): the same order.
PG_WEIGHT_CLASSES = {"title": "A", "synonyms": "A", "summary": "B", "body": "D", "clues": "C"}
PG_RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
# Divide by 1 + log(length): a word in a short entry counts for more, as bm25 has it.
PG_RANK_NORMALISATION = 1
# Runs of letters and digits: where the search index splits words (as the query does).
_WORD = re.compile(r"[^\W_]+")
SNIPPET_WORDS = 14
SUMMARY_CHARS = 180
_OPEN, _CLOSE = "\x02", "\x03"  # match markers inside snippets; never in content
_MARKERS = re.compile("([\x02\x03])")
# While typing, the parsed library is trusted this long before its freshness is checked
# again; seeding in this process replaces it at once.
LIBRARY_RECHECK_SECONDS = 2.0
# The audit entity of a seeding that changed the library: the change counter (the audit
# trail) then tells every workstation that its parsed library is out of date.
LIBRARY_ENTITY = "reference_library"


@dataclass(frozen=True)
class SearchHit:
    """One search result. `snippet` is plain text from the entry around what matched;
    `highlights` are the (start, end) character spans of the matched words in it."""

    slug: str
    title: str
    kind: str
    snippet: str
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class SeedResult:
    """What seeding changed: slugs added, updated and removed, and how many were kept."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0
    reindexed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.reindexed)


@dataclass(frozen=True)
class CitedParagraph:
    """A paragraph of an entry ready to insert into a session note, with its citation."""

    slug: str
    version: int
    paragraph: int
    text: str
    citation: str

    @property
    def note_text(self) -> str:
        """The paragraph followed by its citation, as inserted into a note."""
        return f"{self.text}\n[{self.citation}]"


def _content(entry: Entry) -> str:
    return json.dumps(entry_to_raw(entry), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))


def _index_values(entry: Entry) -> tuple[str, ...]:
    def clean(text: str) -> str:
        return text.replace(_OPEN, " ").replace(_CLOSE, " ")

    names = list(entry.synonyms)
    if entry.medication is not None:
        # A drug's generic and brand names find its class, as synonyms do.
        names += [*entry.medication.generics, *entry.medication.brands]
    return (clean(entry.title), clean("; ".join(names)), clean(entry.summary),
            clean(entry.body), clean("\n".join(entry.clues)))


def _marked(snippet: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Plain text and highlight spans from a snippet with match markers."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    length, start = 0, None
    # Split at the markers (runs of text between them), not character by character: this
    # runs for every hit of every keystroke.
    for piece in _MARKERS.split(snippet):
        if piece == _OPEN:
            start = length
        elif piece == _CLOSE:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        elif piece:
            plain.append(piece)
            length += len(piece)
    return "".join(plain), tuple(spans)


def _index_words(text: str) -> str:
    """The words of `text` as the index keeps them on PostgreSQL: folded, space-separated
    runs of letters and digits, so its parser splits them where the query's words split."""
    return " ".join(_WORD.findall(fold(unicodedata.normalize("NFKC", text))))


def _snippet(text: str, forms: tuple[str, ...]) -> tuple[str, tuple[tuple[int, int], ...]] | None:
    """Up to SNIPPET_WORDS words of `text` around the most matches of the prefix `forms`,
    with "…" where it was cut, and the spans of the matched words; None when no word of
    `text` matches."""
    words = list(_WORD.finditer(text))
    hit = [fold(unicodedata.normalize("NFKC", w.group())).startswith(forms) for w in words]
    if not any(hit):
        return None
    size = min(SNIPPET_WORDS, len(words))
    start = max(range(len(words) - size + 1), key=lambda i: (sum(hit[i:i + size]), -i))
    end = start + size
    begin_at = 0 if start == 0 else words[start].start()
    end_at = len(text) if end == len(words) else words[end - 1].end()
    lead = "" if start == 0 else "…"
    snippet = lead + text[begin_at:end_at] + ("" if end == len(words) else "…")
    spans = tuple((words[i].start() - begin_at + len(lead), words[i].end() - begin_at + len(lead))
                  for i in range(start, end) if hit[i])
    return snippet, spans


def _shortened(text: str, limit: int = SUMMARY_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def citation_of(entry: Entry) -> str:
    """How a paragraph of `entry` is cited in a note: the entry, its version and date, and
    its sources."""
    sources = "; ".join(s.citation for s in entry.sources)
    return (f"{entry.title} — Cramp Practitioner reference, version {entry.version}, "
            f"reviewed {entry.last_reviewed.isoformat()}. Sources: {sources}")


class ReferenceService:
    """The reference library in the open records file; each change is one transaction.

    `user` names who is working, for red-flag reviews. `full_text` forces (True) or
    forbids (False) the FTS5 index; by default it is used on SQLite.
    """

    def __init__(
        self,
        clock: Clock = utc_now,
        user: UserSource = lambda: "",
        patients: PatientService | None = None,
        full_text: bool | None = None,
        audit: AuditService | None = None,
    ) -> None:
        self._clock = clock
        self._user = user
        self._audit = audit or AuditService(user=user, clock=clock)
        self._patients = patients or PatientService()
        self._full_text = full_text
        self._forgiving: tuple[list[Entry], Forgiver] | None = None
        self._checked: list[Entry] | None = None  # the library this service last checked
        self._checked_at = 0.0
        self._shared: frozenset[str] = frozenset()
        self._standing: dict[str, _Standing] = {}

    # -- seeding ------------------------------------------------------------------------

    def seed(self, entries: Iterable[Entry]) -> SeedResult:
        """Make the stored library match `entries`: add new slugs, update changed entries,
        remove entries no longer shipped (and their index rows). Notes are never touched.

        Idempotent: a second call with the same entries changes nothing and writes nothing.
        """
        shipped: dict[str, tuple[Entry, str]] = {}
        for entry in entries:
            if entry.slug in shipped:
                raise KnownError(ErrorKind.DAMAGED,
                                 f"The reference entry “{entry.slug}” is given twice.")
            shipped[entry.slug] = (entry, _content(entry))
        library = [entry for _, (entry, _) in sorted(shipped.items())]
        with translated_errors():
            # The trail's head is read before the comparison: a seeding elsewhere after it
            # comes later in the trail, so the next freshness check sees it.
            head = _trail_head()
            if not self._needs_seeding(shipped):
                _PARSED.keep(head, library)
                return SeedResult(unchanged=len(shipped))
            with write_transaction():
                result = self._seed(shipped)
                self._audit.record(
                    AuditAction.UPDATE, entity=LIBRARY_ENTITY,
                    detail=(f"{len(result.added)} added, {len(result.updated)} updated, "
                            f"{len(result.removed)} removed"
                            + (", index rebuilt" if result.reindexed else "")))
                _PARSED.keep(_trail_head(), library)
            return result

    def _stored(self) -> dict[str, tuple[int, int, str]]:
        return {
            row.slug: (row.id, row.version, row.content)
            for row in ReferenceEntryRow.select(
                ReferenceEntryRow.id, ReferenceEntryRow.slug, ReferenceEntryRow.version,
                ReferenceEntryRow.content,
            )
        }

    def _needs_seeding(self, shipped: dict[str, tuple[Entry, str]]) -> bool:
        stored = self._stored()
        if set(stored) != set(shipped):
            return True
        if any(stored[slug][1:] != (entry.version, content)
               for slug, (entry, content) in shipped.items()):
            return True
        return self._uses_fts() and self._index_rows() != {
            stored[slug][0]: _index_values(entry) for slug, (entry, _) in shipped.items()
        }

    def _seed(self, shipped: dict[str, tuple[Entry, str]]) -> SeedResult:
        now = self._clock()
        stored = self._stored()
        added, updated, removed = [], [], []
        for slug, (entry, content) in sorted(shipped.items()):
            fields = {"kind": entry.kind, "title": entry.title, "version": entry.version,
                      "content": content, "seeded_at": now}
            if slug not in stored:
                row_id = ReferenceEntryRow.insert(slug=slug, **fields).execute()
                self._index(row_id, entry)
                added.append(slug)
            elif stored[slug][1:] != (entry.version, content):
                row_id = stored[slug][0]
                ReferenceEntryRow.update(**fields).where(ReferenceEntryRow.id == row_id).execute()
                self._unindex(row_id)
                self._index(row_id, entry)
                updated.append(slug)
        for slug in sorted(set(stored) - set(shipped)):
            row_id = stored[slug][0]
            self._unindex(row_id)
            ReferenceEntryRow.delete().where(ReferenceEntryRow.id == row_id).execute()
            removed.append(slug)
        reindexed = False
        if self._uses_fts():
            ids = {slug: row_id for slug, (row_id, _, _) in self._stored().items()}
            expected = {ids[slug]: _index_values(entry) for slug, (entry, _) in shipped.items()}
            if self._index_rows() != expected:
                # The index lost rows, kept rows it should not have, or was built by an
                # app that indexed differently: rebuild it from the entries.
                self._reindex(expected)
                reindexed = True
        unchanged = len(shipped) - len(added) - len(updated)
        return SeedResult(tuple(added), tuple(updated), tuple(removed), unchanged, reindexed)

    def _index_rows(self) -> dict[int, tuple[str, ...]]:
        columns = ", ".join(FTS_COLUMNS)
        return {
            row[0]: tuple(row[1:])
            for row in database.execute_sql(f"SELECT rowid, {columns} FROM {FTS_TABLE}")
        }

    def _index(self, row_id: int, entry: Entry) -> None:
        if self._uses_fts():
            self._index_values(row_id, _index_values(entry))

    @staticmethod
    def _index_values(row_id: int, values: tuple[str, ...]) -> None:
        columns = ", ".join(FTS_COLUMNS)
        marks = ", ".join("?" for _ in FTS_COLUMNS)
        if not is_postgres():
            database.execute_sql(
                f"INSERT INTO {FTS_TABLE} (rowid, {columns}) VALUES (?, {marks})",
                (row_id, *values),
            )
            return
        # The document holds the folded words (accents and ligatures off, as the query's
        # words are), each column under its weight class.
        document = " || ".join(
            f"setweight(to_tsvector('simple', ?), '{PG_WEIGHT_CLASSES[c]}')"
            for c in FTS_COLUMNS
        )
        database.execute_sql(
            portable(f"INSERT INTO {FTS_TABLE} (rowid, {columns}, document) "
                     f"VALUES (?, {marks}, {document})"),
            (row_id, *values, *(_index_words(v) for v in values)),
        )

    def _unindex(self, row_id: int) -> None:
        if self._uses_fts():
            database.execute_sql(portable(f"DELETE FROM {FTS_TABLE} WHERE rowid = ?"),
                                 (row_id,))

    def _reindex(self, rows: dict[int, tuple[str, ...]]) -> None:
        database.execute_sql(f"DELETE FROM {FTS_TABLE}")
        for row_id, values in sorted(rows.items()):
            self._index_values(row_id, values)

    def _uses_fts(self) -> bool:
        if self._full_text is not None:
            return self._full_text
        return isinstance(database.obj, (peewee.SqliteDatabase, peewee.PostgresqlDatabase))

    # -- reading ------------------------------------------------------------------------

    def get(self, slug: str) -> Entry:
        """One entry by slug. Raises KnownError(NOT_FOUND) when the library has none."""
        with translated_errors():
            row = ReferenceEntryRow.get_or_none(ReferenceEntryRow.slug == slug)
        if row is None:
            raise KnownError(ErrorKind.NOT_FOUND, f"There is no reference entry “{slug}”.")
        return entry_from_raw(json.loads(row.content))

    def entries(self) -> list[Entry]:
        """Every entry, by kind (in the library's order of kinds) and then title."""
        with translated_errors():
            rows = list(ReferenceEntryRow.select(ReferenceEntryRow.content))
        found = [entry_from_raw(json.loads(row.content)) for row in rows]
        return sorted(found, key=lambda e: (_kind_order(e.kind), e.title.casefold(), e.slug))

    def entries_for_kind(self, kind: str) -> list[Entry]:
        """The entries of one kind (see `practitioner.content.reference.KINDS`), by title."""
        with translated_errors():
            rows = list(ReferenceEntryRow.select(ReferenceEntryRow.content)
                        .where(ReferenceEntryRow.kind == kind))
        found = [entry_from_raw(json.loads(row.content)) for row in rows]
        return sorted(found, key=lambda e: (e.title.casefold(), e.slug))

    def count(self) -> int:
        """How many entries the library holds."""
        with translated_errors():
            total: int = ReferenceEntryRow.select().count()
            return total

    # -- search -------------------------------------------------------------------------

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        """Entries for what was typed, best first. Forgiving (see
        `practitioner.domain.forgiving_search`): lay words and synonyms, typos, point
        codes in any notation and brand names all find their entries. Entries matching
        every word come first; when few do, entries matching any word follow. A grave
        entry is never the first answer to a description that does not name it: the
        commonest benign match is put before it. A brand name comes first as its own
        line ("Ventolin (salbutamol): …"), opening the entry to read.

        Any text is safe: it is reduced to words and never read as query syntax.
        """
        if limit < 1:
            return []
        limit = min(limit, MAX_LIMIT)
        entries = self._recent_library()
        library = {entry.slug: entry for entry in entries}
        forgiving = self._forgiver(entries).expand(text)
        every, more = ([], []) if forgiving.query is None else self._ranked(forgiving.query,
                                                                           limit)
        # Entries with every word stay ahead of those with some; within each, the ones
        # whose title and names say most of what was typed come first.
        hits = (_by_names(every, forgiving, self._standing)
                + _by_names(more, forgiving, self._standing))
        hits = self._benign_first(hits, forgiving, library, limit)
        brand_hits = [
            SearchHit(brand.see, brand.label, "medication", brand.label)
            for brand in forgiving.brands if not brand.linked
        ]
        return (brand_hits + hits)[:limit]

    def _ranked(self, query: FullTextQuery, limit: int, *, any_word: bool = False
                ) -> tuple[list[SearchHit], list[SearchHit]]:
        """Hits matching every word group, then (when fewer than FEW_HITS do, or with
        `any_word`) those matching any, without repeats."""
        with translated_errors():
            every = [] if any_word else self._match(query, limit, every_word=True)
            if len(every) >= FEW_HITS or (len(query.groups) < 2 and every):
                return every, []
            seen = {hit.slug for hit in every}
            more = [hit for hit in self._match(query, limit, every_word=False)
                    if hit.slug not in seen]
            return every, more[:max(0, limit - len(every))]

    def _match(self, query: FullTextQuery, limit: int, *, every_word: bool
               ) -> list[SearchHit]:
        if not self._uses_fts():
            return self._like_search(query, limit, every_word=every_word)
        if is_postgres():
            return self._pg_search(query, limit, every_word=every_word)
        return self._fts_search(query.all_words if every_word else query.any_word, limit)

    def _benign_first(self, hits: list[SearchHit], forgiving: ForgivingQuery,
                      library: dict[str, Entry], limit: int) -> list[SearchHit]:
        """`hits` with the best benign cause first when a grave entry leads that the text
        does not name (a red flag, or an entry to refer soon or urgently)."""
        if not hits or forgiving.query is None:
            return hits
        lead = library.get(hits[0].slug)
        if lead is None or not _grave(lead) or _names(lead, forgiving.typed, self._shared):
            return hits

        def benign(hit: SearchHit) -> bool:
            entry = library.get(hit.slug)
            return entry is not None and entry.kind in BENIGN_LEADS and not _grave(entry)

        found = [i for i, hit in enumerate(hits) if benign(hit)]
        if not found:
            seen = {hit.slug for hit in hits}
            extra = [hit for hit in self._ranked(forgiving.query, limit, any_word=True)[1]
                     if benign(hit) and hit.slug not in seen]
            if not extra:
                return hits
            return [extra[0], *hits][:limit]
        first = found[0]
        return [hits[first], *hits[:first], *hits[first + 1:]]

    def _recent_library(self) -> list[Entry]:
        """The parsed library, its freshness checked at most every
        LIBRARY_RECHECK_SECONDS by this service."""
        now = time.monotonic()
        if (self._checked is None or self._checked is not _PARSED.entries
                or now - self._checked_at > LIBRARY_RECHECK_SECONDS):
            self._checked = self._library()
            self._checked_at = now
        return self._checked

    def _forgiver(self, entries: list[Entry]) -> Forgiver:
        """The query widener for the stored library, rebuilt when the library changes."""
        if self._forgiving is None or self._forgiving[0] is not entries:
            texts: list[str] = []
            for entry in entries:
                texts += _index_values(entry)
            try:
                points = {point.code: point.pinyin for point in load_points()}
            except ContentError as exc:
                log.warning("points catalogue unreadable, codes searched as typed: %s", exc)
                points = {}
            self._forgiving = (entries, Forgiver(_search_terms(), texts, points))
            self._shared = _shared_names(entries)
            self._standing = _standings(entries)
        return self._forgiving[1]

    def _pg_search(self, query: FullTextQuery, limit: int, *, every_word: bool) -> list[SearchHit]:
        """PostgreSQL's text search over the weighted document, ranked by ts_rank; the
        snippet is cut here, as FTS5's snippet() would."""
        # Forms are runs of letters and digits only, so they cannot break out of the
        # tsquery syntax; each is a prefix term.
        exact = query.exact or tuple(() for _ in query.groups)
        groups = ["(" + " | ".join([*(f"{form}:*" for form in group), *words]) + ")"
                  for group, words in zip(query.groups, exact, strict=True)]
        tsquery = (" & " if every_word else " | ").join(groups)
        sql = (
            f"SELECT e.slug, e.title, e.kind, f.summary, f.body, f.clues, f.synonyms "
            f"FROM {FTS_TABLE} AS f JOIN reference_entry AS e ON e.id = f.rowid, "
            "to_tsquery('simple', %s) AS q WHERE f.document @@ q "
            f"ORDER BY ts_rank('{PG_RANK_WEIGHTS}', f.document, q, {PG_RANK_NORMALISATION}) DESC, "
            "e.title LIMIT %s"
        )
        try:
            rows = database.execute_sql(sql, (tsquery, limit)).fetchall()
        except (peewee.ProgrammingError, peewee.DataError) as exc:
            # As with FTS5: should the server still refuse the query, the practitioner
            # sees no results rather than an error while typing.
            if "tsquery" not in str(exc).lower():
                raise
            log.warning("full-text query refused (%d characters)", len(tsquery))
            return []
        forms = tuple(form for group in query.terms for form in group)
        hits = []
        for slug, title, kind, summary, *candidates in rows:
            snippet: str = _shortened(summary)
            spans: tuple[tuple[int, int], ...] = ()
            for candidate in (summary, *candidates):
                cut = _snippet(candidate, forms)
                if cut is not None:
                    snippet, spans = cut
                    break
            hits.append(SearchHit(slug, title, kind, snippet, spans))
        return hits

    def _fts_search(self, match: str, limit: int) -> list[SearchHit]:
        weights = ", ".join(str(WEIGHTS[c]) for c in FTS_COLUMNS)
        snippets = ", ".join(
            f"snippet({FTS_TABLE}, {FTS_COLUMNS.index(c)}, char(2), char(3), '…', "
            f"{SNIPPET_WORDS})" for c in ("summary", "body", "clues", "synonyms")
        )
        sql = (
            f"SELECT e.slug, e.title, e.kind, {FTS_TABLE}.summary, {snippets} "
            f"FROM {FTS_TABLE} JOIN reference_entry AS e ON e.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH ? "
            f"ORDER BY bm25({FTS_TABLE}, {weights}), e.title LIMIT ?"
        )
        try:
            rows = database.execute_sql(sql, (match, limit)).fetchall()
        except (peewee.OperationalError, sqlite3.OperationalError) as exc:
            # The query is built from quoted words only; should FTS5 still refuse it, the
            # practitioner sees no results rather than an error while typing.
            if "fts5" not in str(exc).lower():
                raise
            log.warning("full-text query refused (%d characters)", len(match))
            return []
        hits = []
        for slug, title, kind, summary, *candidates in rows:
            snippet: str = _shortened(summary)
            spans: tuple[tuple[int, int], ...] = ()
            for candidate in candidates:
                if _OPEN in candidate:
                    snippet, spans = _marked(candidate)
                    break
            hits.append(SearchHit(slug, title, kind, snippet, spans))
        return hits

    def _like_search(self, query: FullTextQuery, limit: int, *, every_word: bool = True
                     ) -> list[SearchHit]:
        def where(any_group: bool) -> Any:
            conditions = [
                functools.reduce(operator.or_, [
                    ReferenceEntryRow.title.contains(form)
                    | ReferenceEntryRow.content.contains(form)
                    for form in group
                ])
                for group in query.terms
            ]
            return functools.reduce(operator.or_ if any_group else operator.and_, conditions)

        rows = list(ReferenceEntryRow.select().where(where(any_group=not every_word)))

        def rank(row: ReferenceEntryRow) -> tuple[int, str]:
            title = row.title.casefold()
            in_title = sum(any(form in title for form in group) for group in query.terms)
            return (-in_title, title)

        hits = []
        for row in sorted(rows, key=rank)[:limit]:
            summary = json.loads(row.content).get("summary", "")
            hits.append(SearchHit(row.slug, row.title, row.kind, _shortened(str(summary))))
        return hits

    # -- the practitioner's notes --------------------------------------------------------

    def note(self, slug: str) -> str:
        """The practitioner's own note on an entry ("" when there is none)."""
        with translated_errors():
            row = ReferenceNoteRow.get_or_none(ReferenceNoteRow.slug == slug)
        return "" if row is None else str(row.text)

    def note_version(self, slug: str) -> int:
        """The stored version of the note on `slug`; 0 when there is none."""
        with translated_errors():
            row = ReferenceNoteRow.get_or_none(ReferenceNoteRow.slug == slug)
        return 0 if row is None else int(row.version)

    def save_note(self, slug: str, text: str, expected_version: int | None = None) -> str:
        """Keep `text` as the practitioner's note on the entry `slug`; blank text removes
        the note. Raises KnownError(NOT_FOUND) for a slug the library does not have.

        `expected_version` is the note's version when it was shown (`note_version`, 0 for
        no note); when the stored note has moved on since, `EditConflictError` is raised
        with both texts and nothing is written. Without it, the last save wins.
        """
        with translated_errors(), write_transaction():
            entry = ReferenceEntryRow.select(ReferenceEntryRow.id).where(
                ReferenceEntryRow.slug == slug)
            if is_postgres():
                # Saves of one entry's note take turns, the first one (no note yet, so no
                # row to claim) included; SQLite's write lock already makes them.
                entry = entry.for_update()
            if entry.first() is None:
                raise KnownError(ErrorKind.NOT_FOUND, f"There is no reference entry “{slug}”.")
            stored = ReferenceNoteRow.get_or_none(ReferenceNoteRow.slug == slug)
            if expected_version is not None and (
                (stored.version if stored else 0) != expected_version
                or (stored is not None and not claim(
                    ReferenceNoteRow, ReferenceNoteRow.slug == slug, expected_version))
            ):
                raise self._note_conflict(slug, text, expected_version)
            if not text.strip():
                if ReferenceNoteRow.delete().where(ReferenceNoteRow.slug == slug).execute():
                    self._audit.record(AuditAction.DELETE, entity="reference_note",
                                       detail=f"entry {slug}")
                return ""
            updated = (ReferenceNoteRow.update(text=text, updated_at=self._clock(),
                                               version=(stored.version if stored else 0) + 1)
                       .where(ReferenceNoteRow.slug == slug).execute())
            if not updated:
                ReferenceNoteRow.insert(slug=slug, text=text, updated_at=self._clock(),
                                        version=1).execute()
            self._audit.record(AuditAction.UPDATE if updated else AuditAction.CREATE,
                               entity="reference_note", detail=f"entry {slug}")
        return text

    @staticmethod
    def _note_conflict(slug: str, mine: str, expected_version: int) -> EditConflictError:
        row = ReferenceNoteRow.get_or_none(ReferenceNoteRow.slug == slug)
        theirs, version = ("", 0) if row is None else (str(row.text), int(row.version))
        author, saved_at = last_change("reference_note", None, detail=f"entry {slug}")
        who = f" by {author}" if author else ""
        return EditConflictError(
            EditConflict("reference_note", slug, expected_version, mine, theirs, version,
                         author, saved_at),
            f"Your note on this entry was changed elsewhere{who} since it was shown. "
            "Nothing was overwritten and your text is still here.",
        )

    def record_practice_review(self, slug: str, comment: str = "",
                               expected_version: int | None = None) -> str:
        """Add a dated line recording the practice's own review of entry `slug` (who,
        when, which content version, and `comment`) to the end of its note, and save it.

        The practice's reviews live in the entry's note, so they survive content updates
        and are edited, merged on conflict and audited like any note. Returns the note.
        """
        entry = self.get(slug)
        who = current(self._user).name or "the practice"
        line = (f"Practice review {self._clock():%Y-%m-%d} by {who}, content version "
                f"{entry.version}" + (f": {comment.strip()}" if comment.strip() else "."))
        note = self.note(slug).rstrip()
        return self.save_note(slug, f"{note}\n{line}" if note else line, expected_version)

    def noted_slugs(self) -> set[str]:
        """The slugs of the entries the practitioner has written a note on."""
        with translated_errors():
            return {row.slug for row in ReferenceNoteRow.select(ReferenceNoteRow.slug)}

    # -- flags --------------------------------------------------------------------------

    def _library(self) -> list[Entry]:
        """The parsed library, read from the file only when it changed since it was last
        parsed or seeded (one primary-key read of the audit trail otherwise)."""
        with translated_errors():
            head = _trail_head()
            if _PARSED.entries is None or not _PARSED.current(head):
                rows = list(ReferenceEntryRow.select(ReferenceEntryRow.content))
                _PARSED.keep(head, sorted((entry_from_raw(json.loads(row.content))
                                           for row in rows), key=lambda e: e.slug))
            assert _PARSED.entries is not None
            return _PARSED.entries

    def flags_for_patient(self, patient_id: int) -> list[Flag]:
        """What the library flags for this patient, most urgent first (see
        `practitioner.domain.reference_flags.patient_flags`)."""
        patient = self._patients.get(patient_id)
        return patient_flags(patient.data, self._library(), _search_terms().generic_of())

    def flags_for(self, medications: Iterable[str],
                  conditions: Iterable[Condition] = ()) -> list[Flag]:
        """The flags for a list of medication names and conditions, as for a patient who
        has just these (the "check a medication" box)."""
        probe = PatientInput(
            name="(check)",
            conditions=frozenset(conditions),
            medications=tuple(Medication(name) for name in medications if name.strip()),
        )
        return patient_flags(probe, self._library(), _search_terms().generic_of())

    def open_red_flags(self, patient_id: int) -> list[Flag]:
        """The patient's red flags that have no recorded review yet."""
        flags = self.flags_for_patient(patient_id)
        return open_red_flags(flags, (r.key for r in self.reviews(patient_id)))

    # -- red-flag reviews ----------------------------------------------------------------

    def record_review(self, patient_id: int, key: str, action: str,
                      note: str = "") -> RedFlagReview:
        """Record what was done about a red flag: referred, discussed or not applicable.

        Raises ValidationError for an unknown action or empty key and KnownError(NOT_FOUND)
        for an unknown patient.
        """
        errors = []
        if action not in REVIEW_ACTIONS:
            errors.append(FieldError("action", f"Choose one of: {', '.join(REVIEW_ACTIONS)}."))
        if not key.strip():
            errors.append(FieldError("key", "Say which flag was reviewed."))
        if errors:
            raise ValidationError(errors)
        now, user = self._clock(), current(self._user).name
        with translated_errors(), write_transaction():
            if not PatientRow.select().where(PatientRow.id == patient_id).exists():
                raise KnownError(ErrorKind.NOT_FOUND, f"There is no patient number {patient_id}.")
            review_id = RedFlagReviewRow.insert(
                patient=patient_id, flag_key=key.strip(), action=action, note=note.strip(),
                recorded_at=now, recorded_by=user,
            ).execute()
            self._audit.record(AuditAction.CREATE, entity="red_flag_review",
                               entity_id=review_id, patient_id=patient_id, detail=action)
        return RedFlagReview(patient_id, key.strip(), _action(action), note.strip(),
                             aware(now), user)

    def reviews(self, patient_id: int) -> list[RedFlagReview]:
        """The patient's red-flag reviews, oldest first."""
        return self.reviews_for_patients([patient_id])[patient_id]

    def reviews_for_patients(self, patient_ids: Iterable[int]) -> dict[int, list[RedFlagReview]]:
        """Each patient's red-flag reviews, oldest first, in a fixed number of queries."""
        ids = list(patient_ids)
        found: dict[int, list[RedFlagReview]] = {i: [] for i in ids}
        with translated_errors():
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                for row in (RedFlagReviewRow.select()
                            .where(RedFlagReviewRow.patient.in_(chunk))
                            .order_by(RedFlagReviewRow.recorded_at, RedFlagReviewRow.id)):
                    found[row.patient_id].append(RedFlagReview(
                        row.patient_id, row.flag_key, _action(row.action), row.note,
                        aware(row.recorded_at), row.recorded_by,
                    ))
        return found

    # -- into the note --------------------------------------------------------------------

    def cite(self, slug: str, paragraph: int) -> CitedParagraph:
        """Paragraph `paragraph` (from 0) of an entry, with its citation, to insert into a
        note. Raises KnownError(NOT_FOUND) for an unknown entry or paragraph."""
        entry = self.get(slug)
        if not 0 <= paragraph < len(entry.paragraphs):
            raise KnownError(ErrorKind.NOT_FOUND,
                             f"“{entry.title}” has no paragraph {paragraph + 1}.")
        return CitedParagraph(slug, entry.version, paragraph, entry.paragraphs[paragraph],
                              citation_of(entry))

    def record_reference(self, session_id: int, slug: str, version: int,
                         paragraph: int) -> SessionReference:
        """Remember that paragraph `paragraph` of version `version` of entry `slug` went
        into the note of session `session_id`. Raises KnownError(NOT_FOUND) for an unknown
        session and ValueError for a version below 1 or a negative paragraph."""
        if version < 1 or paragraph < 0:
            raise ValueError("version must be 1 or more and paragraph 0 or more")
        now = self._clock()
        with translated_errors(), write_transaction():
            session = SessionRow.get_or_none(SessionRow.id == session_id)
            if session is None:
                raise KnownError(ErrorKind.NOT_FOUND, f"There is no session number {session_id}.")
            row_id = SessionReferenceRow.insert(session=session_id, slug=slug,
                                                entry_version=version, paragraph=paragraph,
                                                inserted_at=now).execute()
            self._audit.record(AuditAction.CREATE, entity="session_reference", entity_id=row_id,
                               patient_id=session.patient_id, detail=f"entry {slug}")
        return SessionReference(row_id, session_id, slug, version, paragraph, aware(now))

    def references_for_session(self, session_id: int) -> list[SessionReference]:
        """What was inserted from the library into a session's note, in order."""
        return self.references_for_sessions([session_id])[session_id]

    def references_for_sessions(
        self, session_ids: Iterable[int]
    ) -> dict[int, list[SessionReference]]:
        """What was inserted into each session's note, in order, in a fixed number of
        queries."""
        ids = list(session_ids)
        found: dict[int, list[SessionReference]] = {i: [] for i in ids}
        with translated_errors():
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                for r in (SessionReferenceRow.select()
                          .where(SessionReferenceRow.session.in_(chunk))
                          .order_by(SessionReferenceRow.inserted_at, SessionReferenceRow.id)):
                    found[r.session_id].append(SessionReference(
                        r.id, r.session_id, r.slug, r.entry_version, r.paragraph,
                        aware(r.inserted_at)))
        return found


def _trail_head() -> tuple[int, str] | None:
    """The audit trail's newest (seq, hash); None while it is empty."""
    row = (AuditRow.select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc())
           .limit(1).tuples().first())
    return None if row is None else (int(row[0]), str(row[1]))


class _ParsedLibrary:
    """The library as last parsed or seeded in this process, with the audit trail's head
    at that moment: parsing every entry's JSON took ~30 ms, and reading the whole table
    on every keystroke to see whether it changed cost as much as the search.

    Seeding that changes the library appends an audit entry (LIBRARY_ENTITY), so the
    library is unchanged exactly while no such entry follows the head it was read at.
    The head's hash pins the file's history: another file, or this one restored from a
    backup, does not share it.
    """

    def __init__(self) -> None:
        self.head: tuple[int, str] | None = None
        self.entries: list[Entry] | None = None

    def keep(self, head: tuple[int, str] | None, entries: list[Entry]) -> None:
        self.head, self.entries = head, entries

    def current(self, head: tuple[int, str] | None) -> bool:
        """Whether the kept library is the stored one, the trail's head now being `head`
        (and, when it is, remember `head` so the next check reads fewer entries)."""
        kept = self.head
        if kept is None or head is None or head[0] < kept[0]:
            return False
        if head == kept:
            return True
        same_history = AuditRow.select(AuditRow.hash).where(AuditRow.seq == kept[0]).scalar()
        if same_history != kept[1]:
            return False
        if (AuditRow.select(AuditRow.seq)
                .where(AuditRow.seq > kept[0], AuditRow.seq <= head[0],
                       AuditRow.entity == LIBRARY_ENTITY).exists()):
            return False
        self.head = head
        return True


_PARSED = _ParsedLibrary()


def _search_terms() -> SearchTerms:
    """The shipped search vocabulary; none (search as typed) if it cannot be read, so a
    damaged install still searches rather than failing at every keystroke."""
    try:
        return load_search_terms()
    except ContentError as exc:
        log.warning("search vocabulary unreadable, searching words as typed: %s", exc)
        return SearchTerms()


def _grave(entry: Entry) -> bool:
    return entry.kind == "red-flag" or entry.refer.urgency in GRAVE_URGENCIES


@functools.lru_cache(maxsize=512)
def _name_words(title: str, synonyms: tuple[str, ...]) -> str:
    """The folded words of a title and names, each after a space (" night cramps")."""
    return " " + " ".join(_WORD.findall(fold(" ".join((title, *synonyms)))))


def _all_names(entry: Entry) -> tuple[str, ...]:
    """The entry's synonyms and, for a medication, its generic and brand names."""
    if entry.medication is None:
        return entry.synonyms
    return (*entry.synonyms, *entry.medication.generics, *entry.medication.brands)


def _matched(entry: Entry, groups: tuple[tuple[str, ...], ...], *,
             title_only: bool = False) -> int:
    """How many of the word groups match a word (or its start) of the entry's title, and
    of its names unless `title_only`."""
    words = _name_words(entry.title, () if title_only else _all_names(entry))
    return sum(any(f" {form}" in words for form in forms) for forms in groups)


def _names(entry: Entry, typed: tuple[tuple[str, ...], ...],
           shared: frozenset[str]) -> bool:
    """Whether what was typed names the entry: every word typed is a word (or the start
    of one) of its title or of one of its names, a name not common to many entries
    ("DVT", "clot in the calf"). "calf swollen and hot" and "legs twitching" only
    describe."""
    if not typed:
        return False
    for name in (entry.title, *_all_names(entry)):
        if fold(name) in shared:
            continue
        words = _name_words(name, ())
        if all(any(f" {form}" in words for form in forms) for forms in typed):
            return True
    return False


def _shared_names(entries: Iterable[Entry]) -> frozenset[str]:
    """Names (folded) so common that they name no one entry: those SHARED_NAME entries
    or more have, such as "leg cramps" and "charley horse"."""
    seen: dict[str, int] = {}
    for entry in entries:
        for name in {fold(n) for n in (entry.title, *_all_names(entry))}:
            seen[name] = seen.get(name, 0) + 1
    return frozenset(name for name, count in seen.items() if count >= SHARED_NAME)


@dataclass(frozen=True)
class _Standing:
    """What ranking needs of an entry beyond the index: the entry, its folded words
    (" night cramps …", as `_name_words`), and how many other entries refer to it."""

    entry: Entry
    words: str
    cited_by: int


def _standings(entries: list[Entry]) -> dict[str, _Standing]:
    cited: dict[str, int] = {}
    for entry in entries:
        for slug in set(entry.related) - {entry.slug}:
            cited[slug] = cited.get(slug, 0) + 1
    return {
        entry.slug: _Standing(entry, _name_words(" ".join(_index_values(entry)), ()),
                              cited.get(entry.slug, 0))
        for entry in entries
    }


def _by_names(hits: list[SearchHit], forgiving: ForgivingQuery,
              standings: dict[str, _Standing]) -> list[SearchHit]:
    """`hits` re-ranked by how much of what was typed their title and names say (the
    words as typed counting twice their synonyms, the title once more), then by how many
    of the words typed they hold anywhere. Among entries that what was typed names alike
    (a name many share, "charley horse"), a cause or condition (what the name is) comes
    before the rest (what is done about it), then the one more entries refer to. The
    index's order breaks remaining ties; it is not trusted further, as its scores fall
    with an entry's length whatever matched."""
    query = forgiving.query
    if query is None:
        return hits

    def score(hit: SearchHit) -> tuple[int, int, int, int]:
        standing = standings.get(hit.slug)
        if standing is None:
            return (0, 0, 0, 0)
        entry = standing.entry
        typed = _matched(entry, forgiving.typed)
        names = 2 * typed + _matched(entry, query.terms) + _matched(entry, query.terms,
                                                                     title_only=True)
        held = sum(any(f" {form}" in standing.words for form in forms)
                   for forms in query.terms)
        named = bool(forgiving.typed) and typed == len(forgiving.typed)
        if not named:
            return (names, held, 0, 0)
        return (names, held, entry.kind in BENIGN_LEADS, standing.cited_by)

    return sorted(hits, key=lambda hit: tuple(-n for n in score(hit)))


def _kind_order(kind: str) -> int:
    return KINDS.index(kind) if kind in KINDS else len(KINDS)


def _action(text: str) -> ReviewAction:
    for action in REVIEW_ACTIONS:
        if action == text:
            return action
    raise KnownError(ErrorKind.DAMAGED, f"A red-flag review has an unknown action “{text}”.")

