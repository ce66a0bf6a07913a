"""Suggestions for the form fields that take a village or a KBLI code (htmx, small HTML lists).

Villages are found by name through the gazetteer (which reads "Saloloang, Penajam" as a village
and its kecamatan) and by the start of their name or code; only villages inside the reader's
region are offered. KBLI codes are found by code prefix or by words of their title. Member
enterprises of a centre are found by the enterprise list's own search (name, owner's name, NIB),
inside the reader's region, or by the start of their NIB. Centres (the maker of a product) are
found by name, commodity or raw material among those the reader may see.
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sentra.accounts.scope import actor_for_request
from sentra.regions.gazetteer import resolve_place
from sentra.regions.models import Kbli, Region
from sentra.registry.selectors import centre_suggestions, enterprise_suggestions

from ..forms import CODE_RE, centre_line, centre_meta, member_line, member_meta, village_label

LIMIT = 10
MIN_CHARS = 3
MAX_CHARS = 200


def _typed(request) -> str:
    """What the user is typing: the field's value, or for a list of villages its last entry."""
    field = request.GET.get("field", "q")
    text = (request.GET.get(field) or request.GET.get("q") or "")[:MAX_CHARS]
    if request.GET.get("multiple"):
        text = re.split(r"[;\n]", text)[-1]
        pieces = [p.strip() for p in text.split(",")]
        while len(pieces) > 1 and CODE_RE.match(pieces[0]):
            pieces.pop(0)
        text = ", ".join(pieces)
    return text.strip()


def _within(code: str | None, region: str | None) -> bool:
    return not region or code == region or code.startswith(region + ".")


def _path(region: Region) -> list[str]:
    names = []
    while region is not None:
        names.append(region.name)
        region = region.parent
    return list(reversed(names))


def village_suggestions(text: str, region: str | None) -> list[tuple[str, str]]:
    """(code, label) of up to LIMIT villages for what was typed."""
    if len(text) < MIN_CHARS:
        return []
    found: dict[str, str] = {}
    if text.replace(".", "").isdigit():
        villages = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=text).order_by("code")
    else:
        resolution = resolve_place(text, level=4, within=region)
        for candidate in [resolution.best, *resolution.candidates]:
            if candidate and candidate.level == 4 and _within(candidate.code, region):
                found.setdefault(candidate.code, village_label(candidate.path, candidate.code))
        name = text.split(",")[0].strip()
        villages = Region.objects.filter(level=Region.Level.VILLAGE, name__istartswith=name)
        villages = villages.order_by("name", "code")
    if region:
        villages = villages.filter(code__startswith=region + ".")
    if len(found) < LIMIT:
        rows = villages.select_related("parent__parent__parent")[: LIMIT - len(found)]
        for village in rows:
            found.setdefault(village.code, village_label(_path(village), village.code))
    return list(found.items())[:LIMIT]


def kbli_suggestions(text: str) -> list[tuple[str, str]]:
    if not text:
        return []
    code = text.split(" ", 1)[0]
    if code.isdigit():
        rows = Kbli.objects.filter(level=5, code__startswith=code)
    elif len(text) >= MIN_CHARS:
        rows = Kbli.objects.filter(level=5, title__icontains=text)
    else:
        return []
    return [(c, f"{c} {t}") for c, t in rows.order_by("code").values_list("code", "title")[:LIMIT]]


def _suggest(request, suggestions, template: str, key: str, line, meta):
    """The member and maker pickers: up to LIMIT records the reader may see for what was typed,
    each with the line the field will hold and what tells it apart from others of its name."""
    text = _typed(request)
    short = len(text) < MIN_CHARS
    found = [] if short else suggestions(actor_for_request(request), text, LIMIT)
    options = [{key: record, "line": line(record), "meta": meta(record)} for record in found]
    return render(request, template, {"options": options, "text": text, "short": short})


@login_required
@require_GET
def lookup_enterprises(request):
    return _suggest(
        request,
        enterprise_suggestions,
        "web/registry/_member_options.html",
        "enterprise",
        member_line,
        member_meta,
    )


@login_required
@require_GET
def lookup_centres(request):
    return _suggest(
        request, centre_suggestions, "web/registry/_centre_options.html", "centre", centre_line, centre_meta
    )


@login_required
@require_GET
def lookup_villages(request):
    actor = actor_for_request(request)
    text = _typed(request)
    return _options(request, text, village_suggestions(text, actor.region_code))


@login_required
@require_GET
def lookup_kbli(request):
    text = _typed(request)
    return _options(request, text, kbli_suggestions(text))


def _options(request, text: str, options: list[tuple[str, str]]):
    return render(
        request,
        "web/registry/_lookup_options.html",
        {"options": options, "text": text, "short": len(text) < MIN_CHARS},
    )
