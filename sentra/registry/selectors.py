"""Reads over the registries: filtered lists (web, API, exports share them) and details.

Every read is scoped: a record outside the actor's region is not in any list, and `*_get` returns
None for it, which every caller answers with 404.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import BooleanField, CharField, Count, F, Func, Q, QuerySet, Value
from django.db.models.expressions import Expression, RawSQL
from django.db.models.functions import Left, StrIndex, Upper
from django.db.models.lookups import Exact, GreaterThan, IContains

from sentra.accounts.scope import Actor, region_q
from sentra.regions.codes import normalise_code
from sentra.regions.selectors import region_filter_q
from sentra.verification.selectors import waiting_q

from .models import KBLI_SIMILAR_DIGITS, Centre, Enterprise, Product


@dataclass
class RegistryFilter:
    """The filters every registry list accepts. `region` is a code at any level, dotted or not."""

    q: str = ""
    region: str = ""
    kbli: str = ""
    status: str = ""
    size_class: str = ""
    market_reach: str = ""
    verification: str = ""
    waiting: bool = False  # only what waits for the reader's level (their verification queue)
    sort: str = ""


def _apply_region(qs: QuerySet, region: str) -> QuerySet:
    code = normalise_code(region) if region else None
    if not code:
        return qs
    # Province and regency use the denormalised columns, whose composite indexes also serve
    # the default sort by name; districts and villages are small ranges on the village code.
    if len(code) == 2:
        return qs.filter(province_code=code)
    if len(code) == 5:
        return qs.filter(regency_code=code)
    return qs.filter(region_filter_q("village_id", code))


def _apply_kbli(qs: QuerySet, kbli: str) -> QuerySet:
    kbli = kbli.strip()
    if not kbli.isdigit():
        return qs
    if len(kbli) == 5:
        return qs.filter(kbli_id=kbli)
    return qs.filter(kbli_id__gte=kbli, kbli_id__lt=kbli + ":")  # ':' sorts right after '9'


def _apply_common(qs: QuerySet, actor: Actor, filters: RegistryFilter) -> QuerySet:
    """The scope rule first, then the filters every registry shares."""
    qs = qs.filter(region_q(actor))
    if filters.verification:
        qs = qs.filter(verification_status=filters.verification)
    if filters.waiting:
        qs = qs.filter(waiting_q(actor))
    return qs


def _apply_sort(qs: QuerySet, sort: str, allowed: dict[str, list[str]]) -> QuerySet:
    return qs.order_by(*allowed.get(sort, allowed[""]))


ENTERPRISE_SORTS = {
    "": ["name", "id"],
    "name": ["name", "id"],
    "-name": ["-name", "-id"],
    "workers": ["workers", "id"],
    "-workers": ["-workers", "-id"],
    "investment": ["investment", "id"],
    "-investment": ["-investment", "-id"],
    "year_started": ["year_started", "id"],
    "-year_started": ["-year_started", "-id"],
    "-updated": ["-updated_at", "-id"],
}


def enterprise_list(*, actor: Actor, filters: RegistryFilter) -> QuerySet[Enterprise]:
    qs = _apply_common(Enterprise.objects.select_related("kbli", "village"), actor, filters)
    qs = _apply_region(qs, filters.region)
    qs = _apply_kbli(qs, filters.kbli)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.size_class:
        qs = qs.filter(size_class=filters.size_class)
    if q := filters.q.strip():
        qs = _search_enterprises(qs, q, in_small_area=_in_small_area(actor, filters.region))
    if enterprise_newest_first(filters):
        return qs.order_by(*SEARCH_ORDER)
    if len(q) >= MIN_SUBSTRING and filters.sort in ("name", "-name") and connection.vendor == "postgresql":
        # The matches of a search, sorted: PostgreSQL would walk the name index filtering every
        # entry (for "tempe", 87,000 before the first match: 530 ms at 1M rows). `name || ''`
        # sorts the same (same collation) but is no index, so it sorts the trigram bitmap's
        # matches instead (130 ms).
        key = Func(F("name"), template="(%(expressions)s || '')", output_field=CharField())
        descending = filters.sort == "-name"
        return qs.order_by(key.desc() if descending else key.asc(), "-id" if descending else "id")
    return _apply_sort(qs, filters.sort, ENTERPRISE_SORTS)


def enterprise_newest_first(filters: RegistryFilter) -> bool:
    """Whether the enterprise list comes in SEARCH_ORDER: a substring search and no (known) sort."""
    no_sort = not filters.sort or filters.sort not in ENTERPRISE_SORTS
    return len(filters.q.strip()) >= MIN_SUBSTRING and no_sort


MIN_SUBSTRING = 3  # shorter terms match the start of the name only (a trigram needs 3 characters)

# Substring matches, unless the reader picks a sort, come newest first. Every match contains the
# term, so the alphabet does not help find one among thousands ("tempe": 3 % of the country), and
# a name-ordered page needs all matches sorted, or a walk of the name index that is long when the
# matches cluster late in the alphabet: seconds at national scale. By id the first page comes
# straight from the index with LIMIT on both databases (PostgreSQL walks the primary key backwards
# for a common word and takes the trigram bitmap for a rare one; SQLite reads the FTS5 matches in
# rowid order), whatever the number of matches. A one- or two-letter term stays in name order:
# it asks for names starting with it, an alphabetical jump the name indexes serve.
SEARCH_ORDER = ["-id"]


def _in_small_area(actor: Actor, region: str) -> bool:
    """Whether the list is limited to a regency or smaller, by the filter or the reader's scope."""
    code = normalise_code(region) if region else None
    return len(code or "") >= 5 or len(actor.region_code or "") >= 5


def _search_enterprises(qs: QuerySet, q: str, *, in_small_area: bool = False) -> QuerySet:
    """A NIB, or a case-insensitive substring of the name or the owner's name.

    Both databases answer from an index at 4.4 million rows (migration 0003): PostgreSQL from the
    trigram GIN indexes on UPPER(name) and UPPER(owner_name), which serve `icontains`; SQLite from
    the FTS5 trigram table (see FtsMatch). A term shorter than three characters has no
    trigram: it matches names starting with it, on both.
    """
    if q.isdigit() and len(q) == 13:
        return qs.filter(nib=q)
    if len(q) < MIN_SUBSTRING:
        if connection.vendor == "sqlite":
            return qs.filter(_name_prefix_q(q))
        return qs.filter(name__istartswith=q)
    if connection.vendor == "sqlite":
        return _sqlite_search(qs, q, in_small_area=in_small_area)
    return _postgres_search(qs, q, in_small_area=in_small_area)


def _fts_phrase(q: str) -> str:
    """An FTS5 phrase: with the trigram tokenizer, a case-insensitive substring match."""
    return '"' + q.replace('"', '""') + '"'


FTS_IDS = "SELECT rowid FROM registry_enterprise_fts WHERE registry_enterprise_fts MATCH %s"
FTS_ID_LIMIT = 1_000  # SQLite: up to this many matches are fetched from FTS once and looked up by id


FTS_SPARSE_CANDIDATES = 5_000  # SQLite: a phrase's fragments finding more rows: the phrase is asked


def _fts_sparse_ids(q: str) -> list[int] | None:
    """SQLite: the ids whose name or owner holds the phrase `q`, found from a few of its trigrams
    (_phrase_fragments) and tested in Python, as FTS5's phrase would match it (case folded); None
    for a single word, or when the fragments find more than FTS_SPARSE_CANDIDATES rows."""
    fragments = _phrase_fragments(q)
    if fragments is None:
        return None
    query = " AND ".join(_fts_phrase(fragment) for fragment in fragments)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.id, e.name, e.owner_name FROM registry_enterprise e "  # nosec B608: constant SQL
            f"WHERE e.id IN ({FTS_IDS}) LIMIT %s",
            [query, FTS_SPARSE_CANDIDATES + 1],
        )
        candidates = cursor.fetchall()
    if len(candidates) > FTS_SPARSE_CANDIDATES:
        return None
    needle = q.lower()
    return [pk for pk, name, owner in candidates if needle in name.lower() or needle in (owner or "").lower()]


def _sqlite_search(qs: QuerySet, q: str, *, in_small_area: bool) -> QuerySet:
    """SQLite: ask FTS5 once for at most FTS_ID_LIMIT + 1 matching ids.

    A long phrase (a full name) costs FTS5 tens of ms however few its matches (every trigram's
    list is read), so a term with few matches is probed once here and the page and the count
    filter by that id list. A common term keeps the FTS5 match inside the query (FtsMatch), where
    the page stops after one page of ids.
    """
    ids = _fts_sparse_ids(q)
    if ids is None:
        with connection.cursor() as cursor:
            cursor.execute(f"{FTS_IDS} LIMIT %s", [_fts_phrase(q), FTS_ID_LIMIT + 1])
            ids = [row[0] for row in cursor.fetchall()]
    if len(ids) <= FTS_ID_LIMIT:
        return qs.filter(id__in=RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)]))
    return qs.filter(FtsMatch(q, from_area_index=in_small_area))


PG_ID_LIMIT = 1_000  # PostgreSQL: up to this many matches are fetched from the trigram indexes once
PG_PROBE_ESTIMATE = 5_000  # … when the planner expects at most this many; more: a common term
PG_AREA_ROWS = 20_000  # an area the planner expects to hold at most this many rows is read row by row


def _postgres_search(qs: QuerySet, q: str, *, in_small_area: bool = False) -> QuerySet:
    """PostgreSQL: a term the planner expects to be rare is asked of the trigram indexes once.

    Left to itself the planner, misled by the trigram estimate of a long phrase (880 rows for the
    24 of a full name at 4.4 M) or asked for a page of only 26 rows, walks the primary key
    backwards testing every row for the newest-first page: 1.8 s for a rare full name, 2.0 s (the
    whole table) for a word found nowhere. So when the estimate is at most PG_PROBE_ESTIMATE, at
    most PG_ID_LIMIT + 1 matching ids are fetched by a bitmap scan of the GIN indexes (a sequential
    scan is ruled out for that one statement) and, when that is all of them, the page and the
    capped count are looked up by those ids. A common term skips the probe (a GIN bitmap cannot
    stop early: 300-500 ms for "tempe" at 4.4 M) and keeps the match in the query, where the
    newest-first page walks the key and stops after one page. A phrase of several words is probed
    with a few of its trigrams and tested whole on the candidates (_sparse_trigram_q).

    Inside a regency or smaller (in_small_area) whose rows the planner puts at most at PG_AREA_ROWS,
    the probe reads that area's rows by its index and tests each one (_substring_q, which no
    trigram index serves): at 4.4 M, Kudus has 14,000 rows (55 ms under load 9), while the trigram
    bitmap of a common word covers the country ("tempe": 147,000 rows, 190 ms, before Kudus's 492
    are kept) and that of a long phrase reads the lists of all its trigrams (0.5 s). The largest
    regencies (52,000 rows, one heap page each) cost more that way: they keep the trigram indexes.
    More than PG_ID_LIMIT matches in the area: the match stays in the query.
    """
    match = Q(name__icontains=q) | Q(owner_name__icontains=q)
    area = qs.order_by().values_list("id", flat=True)
    if in_small_area and _estimated_rows(area) <= PG_AREA_ROWS:
        matches = area.filter(_substring_q(q))
    else:
        matches = Enterprise.objects.filter(match).order_by().values_list("id", flat=True)
        if _estimated_rows(matches) > PG_PROBE_ESTIMATE:
            return qs.filter(match)
        sparse = _sparse_trigram_q(q)
        if sparse is not None:
            matches = Enterprise.objects.filter(sparse, _substring_q(q))
            matches = matches.order_by().values_list("id", flat=True)
    with transaction.atomic(using=qs.db), connection.cursor() as cursor:
        # SET LOCAL lasts until the outermost transaction ends, maybe the caller's: restored at once.
        cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
        previous = cursor.fetchone()[0]
        ids = list(matches[: PG_ID_LIMIT + 1])
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])
    if len(ids) <= PG_ID_LIMIT:
        return qs.filter(id__in=ids)
    return qs.filter(match)


_WORD = re.compile(r"[^\W_]+")  # words as pg_trgm cuts a text: runs of letters and digits


def _phrase_fragments(q: str) -> list[str] | None:
    """A few of a phrase's trigrams for the index probe, or None for a term of one word.

    For `%usaha jamu makmur berkah%` pg_trgm reads the posting lists of all 22 trigrams of the
    phrase, padded ones ("  j", "mu ") included, and FTS5 the doclists of its 22 (with the spaces),
    each a long list when its word is common: 0.1-0.2 s of a rare full name's time at 4.4 M on a
    quiet machine. The first and last three letters of each word (8 lists here) find about the
    same rows, since a word's trigrams come together; the caller then tests the few candidates for
    the whole phrase. Not for a single word: its own trigrams are few, and two of them alone
    ("ren", "ang" of "rendang") can be common together.
    """
    words = [word for word in _WORD.findall(q) if len(word) >= 3]
    if len(words) < 2:
        return None
    fragments: list[str] = []
    for word in words:
        fragments += [part for part in (word[:3], word[-3:]) if part not in fragments]
    return fragments


def _sparse_trigram_q(q: str) -> Q | None:
    """PostgreSQL: the name, or the owner's name, holds every fragment of the phrase (the trigram
    indexes serve each `icontains`); None for a single word."""
    fragments = _phrase_fragments(q)
    if fragments is None:
        return None
    sparse = Q()
    for field in ("name", "owner_name"):
        every = Q()
        for fragment in fragments:
            every &= Q(**{f"{field}__icontains": fragment})
        sparse |= every
    return sparse


def _substring_q(q: str) -> Q:
    """PostgreSQL: `q` inside the name or the owner's name in any case, as `icontains` matches, but
    written `strpos(UPPER(…), UPPER(q)) > 0`, which the trigram indexes do not serve (no wildcards
    to escape either)."""
    term = Upper(Value(q, output_field=CharField()))
    found = Q()
    for field in ("name", "owner_name"):
        found |= Q(GreaterThan(StrIndex(Upper(field), term), 0))
    return found


def _estimated_rows(qs: QuerySet) -> float:
    """The planner's estimate of the rows `qs` returns (EXPLAIN, nothing executed)."""
    plan = json.loads(qs.explain(format="json"))
    return plan[0]["Plan"]["Plan Rows"]


class FtsMatch(Expression):
    """SQLite: `id IN (FTS5 match)`. SQLite reads the matching rowids from the FTS5 table (a few ms
    for tens of thousands at 1 million rows) and, in that id order, looks the rows up by id and
    tests the other filters: a newest-first page (SEARCH_ORDER) reads the ids backwards and stops
    after one page, the capped count stops at 10,001; an explicit sort looks every match up.

    Inside a regency or smaller (from_area_index) it is written `+id IN (…)`: SQLite then walks
    that area's index, a few thousand entries, testing each id against the matches, instead of
    looking up every match in the country to keep a hundred (1M rows, "tempe" in Kudus: count
    51 -> 20 ms, page 31 -> 11 ms). A province is too large for that walk (33: 52 -> 78 ms).
    So is it in a query sorted by name on request: SQLite walks the (…, name, id) index and stops
    after one page rather than looking up and sorting every match (1M rows, "tempe": 80 against
    185 ms).
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, q: str, *, from_area_index: bool = False):
        super().__init__()
        self.q, self.from_area_index = q, from_area_index

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        by_name = bool(compiler.query.order_by) and compiler.query.order_by[0] in ("name", "-name")
        plus = "+" if self.from_area_index or by_name else ""  # `+`: id is not the index to use
        return f'{plus}{table}."id" IN ({FTS_IDS})', [_fts_phrase(self.q)]


def _name_prefix_q(q: str) -> Q:
    """Names starting with `q` in any case, as binary ranges SQLite's (…, name, id) indexes serve."""
    variants = {""}
    for char in q:
        variants = {v + c for v in variants for c in {char.lower(), char.upper()}}
    result = Q()
    for prefix in sorted(variants):
        result |= Q(name__gte=prefix, name__lt=prefix + "\U0010ffff")
    return result


def enterprise_get(*, actor: Actor, pk: int) -> Enterprise | None:
    return (
        Enterprise.objects.select_related("kbli", "village", "agency")
        .prefetch_related("certifications", "centres", "products")
        .filter(region_q(actor), pk=pk)
        .first()
    )


def business_units(*, actor: Actor, nib: str) -> QuerySet[Enterprise]:
    """Every unit of one business actor (OSS-RBA: one NIB, several units with their KBLI and
    location) that the actor may read, by KBLI then village. Units outside the reader's region are
    not in it, as in every list; a NIB of no readable unit gives an empty list (the caller's 404).
    Served by the unit index (nib, kbli, village)."""
    nib = (nib or "").strip()
    if not (nib.isdigit() and nib.isascii() and len(nib) == 13):
        return Enterprise.objects.none()
    return (
        Enterprise.objects.select_related("kbli", "village__parent", "agency")
        .filter(region_q(actor), nib=nib)
        .order_by("kbli_id", "village_id", "id")
    )


@dataclass
class BusinessSummary:
    """What a business actor's units add up to (the per-NIB page and API)."""

    nib: str
    units: int
    workers: int
    investment: int
    kbli_codes: list[str]
    village_codes: list[str]


def business_summary(units: list[Enterprise], nib: str) -> BusinessSummary:
    return BusinessSummary(
        nib=nib,
        units=len(units),
        workers=sum(u.workers or 0 for u in units),
        investment=sum(u.investment or 0 for u in units),
        kbli_codes=sorted({u.kbli_id for u in units}),
        village_codes=sorted({u.village_id for u in units}),
    )


CENTRE_SORTS = {
    "": ["name", "id"],
    "name": ["name", "id"],
    "-name": ["-name", "-id"],
    "members": ["member_count", "id"],
    "-members": ["-member_count", "-id"],
    "designated_on": ["designated_on", "id"],
    "-designated_on": ["-designated_on", "-id"],
}


def centre_list(*, actor: Actor, filters: RegistryFilter) -> QuerySet[Centre]:
    qs = _with_member_counts(Centre.objects.select_related("kbli", "village", "decree"))
    qs = _apply_common(qs, actor, filters)
    code = normalise_code(filters.region) if filters.region else None
    if code and len(code) > 5:
        # A centre spanning several villages is found from any of them.
        qs = qs.filter(village_links__in=_village_links_in(code)).distinct()
    else:
        qs = _apply_region(qs, filters.region)
    qs = _apply_kbli(qs, filters.kbli)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if q := filters.q.strip():
        qs = qs.filter(_centre_search_q(q))
    return _apply_sort(qs, filters.sort, CENTRE_SORTS)


def _centre_search_q(q: str) -> Q:
    """A case-insensitive substring of the centre's name, commodity or raw material."""
    return Q(name__icontains=q) | Q(commodity__icontains=q) | Q(raw_material__icontains=q)


def _village_links_in(code: str):
    from .models import CentreVillage

    return CentreVillage.objects.filter(region_filter_q("village_id", code))


def _with_member_counts(qs: QuerySet[Centre]) -> QuerySet[Centre]:
    """member_count, members_other_kbli: members whose KBLI is not in the centre's 4-digit
    subgolongan (PP 29/2018 Pasal 1: a sentra makes similar products), and
    members_other_raw_material: members whose main raw material neither names nor is named by the
    centre's (services.shares_raw_material; members or centres without one are not counted). They
    feed services.centre_warnings, for the detail page, the API and (from the file) the import."""
    member_material = F("memberships__enterprise__raw_material")
    return qs.annotate(
        members_other_raw_material=Count(
            "memberships",
            filter=~Q(raw_material="")
            & ~Q(Exact(member_material, Value("")))
            & ~Q(IContains(member_material, F("raw_material")))
            & ~Q(IContains(F("raw_material"), member_material)),
            distinct=True,
        ),
        member_count=Count("memberships"),
        members_other_kbli=Count(
            "memberships",
            filter=~Q(
                Exact(
                    Left("memberships__enterprise__kbli_id", KBLI_SIMILAR_DIGITS),
                    Left("kbli_id", KBLI_SIMILAR_DIGITS),
                )
            ),
            distinct=True,
        ),
    )


def centre_get(*, actor: Actor, pk: int) -> Centre | None:
    return (
        _with_member_counts(
            Centre.objects.select_related("kbli", "village", "decree", "agency").prefetch_related(
                "village_links__village", "memberships__enterprise", "products"
            )
        )
        .filter(region_q(actor), pk=pk)
        .first()
    )


PRODUCT_SORTS = {
    "": ["name", "id"],
    "name": ["name", "id"],
    "-name": ["-name", "-id"],
    "price": ["price_min", "id"],
    "-price": ["-price_max", "-id"],
}


def product_list(*, actor: Actor, filters: RegistryFilter) -> QuerySet[Product]:
    qs = Product.objects.select_related("enterprise", "centre", "kbli", "village")
    qs = _apply_common(qs, actor, filters)
    qs = _apply_region(qs, filters.region)
    qs = _apply_kbli(qs, filters.kbli)
    if filters.market_reach:
        qs = qs.filter(market_reach=filters.market_reach)
    if q := filters.q.strip():
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    return _apply_sort(qs, filters.sort, PRODUCT_SORTS)


def product_get(*, actor: Actor, pk: int) -> Product | None:
    return (
        Product.objects.select_related("enterprise", "centre", "kbli", "village", "agency")
        .filter(region_q(actor), pk=pk)
        .first()
    )


# --- suggestions while typing (the member and maker pickers, /cari/ikm/ and /cari/sentra/) -------

# What a suggestion line shows (sentra.web.forms.member_line/member_meta, centre_line/centre_meta
# and the option templates): the record's name and reference, and its village with its kecamatan.
ENTERPRISE_SUGGESTION_FIELDS = ("id", "nib", "name", "owner_name", "village__name", "village__parent__name")
CENTRE_SUGGESTION_FIELDS = ("id", "name", "commodity", "village__name", "village__parent__name")


def enterprise_suggestions(actor: Actor, text: str, limit: int) -> list[Enterprise]:
    """Up to `limit` enterprises the actor may read for what was typed: the enterprise list's own
    scope and search (name, owner's name, a whole NIB), or the start of a NIB (digits, not 13),
    as a range on the NIB's unique index. Only the columns a suggestion line shows are read."""
    text = text.strip()
    if not text or limit <= 0:
        return []
    if text.isdigit() and len(text) != 13:
        found = enterprise_list(actor=actor, filters=RegistryFilter())
        found = found.filter(nib__gte=text, nib__lt=text + ":").order_by("nib")  # ':' sorts after '9'
    else:
        found = enterprise_list(actor=actor, filters=RegistryFilter(q=text))
    found = found.select_related(None).select_related("village__parent").only(*ENTERPRISE_SUGGESTION_FIELDS)
    return list(found[:limit])


def centre_suggestions(actor: Actor, text: str, limit: int) -> list[Centre]:
    """Up to `limit` centres the actor may read for what was typed, by the centre list's scope and
    search (name, commodity, raw material) and in its order (name), without its member counts."""
    text = text.strip()
    if not text or limit <= 0:
        return []
    found = _apply_common(Centre.objects.all(), actor, RegistryFilter()).filter(_centre_search_q(text))
    found = _apply_sort(found, "", CENTRE_SORTS)
    found = found.select_related("village__parent").only(*CENTRE_SUGGESTION_FIELDS)
    return list(found[:limit])
