"""Record versions over HTTP (core.versioning): `ETag` out, `If-Match` in, 412 when stale.

Every read of one editable record (detail GET, and the answer of a create or an update) carries
`ETag: "<version>"`, a strong tag naming the record's version (core.versioning: it counts every
write of the record). A client that sends it back in `If-Match` on PATCH, PUT or DELETE changes the
record only if nobody wrote it since; otherwise nothing is written and the answer is
412 Precondition Failed with `{"code": "stale", "current_version": n}` and the current `ETag`. `W/"n"`
is accepted like `"n"` (some proxies weaken tags), `*` or no If-Match means "any version": the change
still applies field by field to the latest row, under a row lock, so concurrent writers serialize.
"""

from __future__ import annotations

import re

from django.http import HttpResponse
from ninja import Schema


class StaleOut(Schema):
    """412: the record changed since the version named in If-Match; nothing was written."""

    detail: str
    code: str = "stale"
    current_version: int | None = None


# Declared on every operation that honours If-Match, beside its other status codes.
STALE = {412: StaleOut}

IF_MATCH_DESCRIPTION = (
    "Kirim `If-Match` berisi `ETag` yang diterima saat membaca data: jika data sudah diubah orang lain "
    "sejak itu, tidak ada yang ditulis dan jawabannya 412 dengan kode `stale`."
)

_TAG = re.compile(r'^\s*(?:W/)?"(\d{1,18})"\s*$')


def etag(version: int) -> str:
    return f'"{version}"'


def tagged(response: HttpResponse, obj):
    """Sets the ETag of `obj` (a versioned record) on the temporal response, and returns `obj`."""
    if obj is not None and getattr(obj, "version", None) is not None:
        response["ETag"] = etag(obj.version)
    return obj


def if_match(request) -> int | None:
    """The version the client expects (None: any). A tag that is no version of ours (or a list of
    several) can match no version: -1, answered 412."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    found = _TAG.match(header)
    return int(found.group(1)) if found else -1
