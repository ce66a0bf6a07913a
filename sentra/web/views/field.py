"""The facilitator's phone app at /lapangan/ (issue 16 point 4): an installable web app that works offline.

- `field_app`: the app shell (a server-rendered page, mobile first). Its script (frontend/src/app.js,
  bundled by scripts/build-assets into web/static/web/field-build/) keeps visits, photos and proposals in
  the phone's IndexedDB and sends them to the visit API (POST /api/v1/visits, then /api/v1/visits/photos)
  when there is a signal; every item carries a UUID made on the phone, so a retried sync never writes twice.
- `field_data`: the facilitator's caseload (enterprises and centres), the kinds of visit and a fresh CSRF
  token, as JSON: the app and the service worker cache it for the days without signal.
- `manifest`, `icon`, `service_worker`: what makes the page installable and offline. The service worker is
  served from /lapangan/sw.js (not /static/) so that its scope is /lapangan/.

Only a facilitator-role user linked to a facilitator record uses the app; a facilitator account not linked
yet is told whom to ask, and every other role is told the app is for facilitators (403).
"""

from __future__ import annotations

import functools
import io
import json
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sentra.accounts.models import Role
from sentra.accounts.scope import actor_for_request
from sentra.core.middleware import CONTENT_SECURITY_POLICY
from sentra.facilitators.choices import VisitKind
from sentra.facilitators.selectors import own_facilitator, visible_assignments

# The bundle scripts/build-assets writes (gitignored; frontend/build.mjs).
BUILD_DIR = Path(__file__).resolve().parent.parent / "static" / "web" / "field-build"
SCOPE = "/lapangan/"
# Photo previews are blob: URLs of the images kept on the phone; everything else as on every page.
FIELD_CSP = CONTENT_SECURITY_POLICY.replace("img-src 'self' data:", "img-src 'self' data: blob:")
ICON_SIZES = (192, 512)
# Enterprise fields a facilitator may propose to update (facilitators.proposals checks them).
PROPOSAL_FIELDS = ("workers", "production_value", "production_capacity", "investment")


def bundle_built() -> bool:
    return (BUILD_DIR / "app.js").is_file() and (BUILD_DIR / "sw.js").is_file()


def _field_user(request):
    """(actor, facilitator or None, allowed): allowed only for the facilitator role."""
    actor = actor_for_request(request)
    if actor.role != Role.FACILITATOR:
        return actor, None, False
    return actor, own_facilitator(actor), True


def _caseload(actor, facilitator) -> tuple[list[dict], list[dict]]:
    """The facilitator's current caseload: enterprises and centres assigned and not ended."""
    today = timezone.localdate()
    rows = (
        visible_assignments(actor)
        .filter(facilitator=facilitator, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("enterprise__village", "centre__village")
        .order_by("pk")
    )
    enterprises: dict[int, dict] = {}
    centres: dict[int, dict] = {}
    for row in rows:
        if row.enterprise_id and row.enterprise_id not in enterprises:
            enterprise = row.enterprise
            enterprises[enterprise.pk] = {
                "id": enterprise.pk,
                "name": enterprise.name,
                "village": getattr(enterprise.village, "name", "") or "",
                "version": getattr(enterprise, "version", None),
                "last_visit_on": row.last_visit_on.isoformat() if row.last_visit_on else None,
                "values": {field: _plain(getattr(enterprise, field, None)) for field in PROPOSAL_FIELDS},
            }
        if row.centre_id and row.centre_id not in centres:
            centre = row.centre
            centres[centre.pk] = {
                "id": centre.pk,
                "name": centre.name,
                "village": getattr(centre.village, "name", "") or "",
                "last_visit_on": row.last_visit_on.isoformat() if row.last_visit_on else None,
            }
    by_name = lambda item: (item["name"].lower(), item["id"])  # noqa: E731
    return sorted(enterprises.values(), key=by_name), sorted(centres.values(), key=by_name)


def _plain(value):
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


@login_required
@require_GET
@never_cache
def field_app(request):
    actor, facilitator, allowed = _field_user(request)
    if not allowed:
        response = render(request, "web/field/not_facilitator.html", status=403)
        return response
    context = {
        "facilitator": facilitator,
        "bundle_built": bundle_built(),
        "kinds": VisitKind.choices,
        "proposal_fields": [
            ("workers", _("Tenaga kerja (orang)")),
            ("production_value", _("Nilai produksi per tahun (Rp)")),
            ("production_capacity", _("Kapasitas produksi per tahun")),
            ("investment", _("Nilai investasi (Rp)")),
        ],
    }
    response = render(request, "web/field/app.html", context)
    response["Content-Security-Policy"] = FIELD_CSP
    response["X-Sentra-Field-Shell"] = "1"  # the service worker caches only this page as the shell
    return response


@login_required
@require_GET
@never_cache
def field_data(request):
    actor, facilitator, allowed = _field_user(request)
    if not allowed or facilitator is None:
        raise Http404
    enterprises, centres = _caseload(actor, facilitator)
    data = {
        "user": actor.username,
        "facilitator": {"id": facilitator.pk, "name": facilitator.name, "regency": facilitator.regency_code},
        "csrf_token": get_token(request),
        "kinds": [{"value": value, "label": str(label)} for value, label in VisitKind.choices],
        "enterprises": enterprises,
        "centres": centres,
        "generated_at": timezone.now().isoformat(),
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@require_GET
def manifest(request):
    """The web app manifest: installable from /lapangan/, opening there, standalone."""
    data = {
        "name": "Sentra Lapangan",
        "short_name": "Sentra",
        "description": _("Kunjungan pendamping lapangan TPL-IKM, juga tanpa sinyal."),
        "lang": "id",
        "start_url": reverse("web:field_app"),
        "scope": SCOPE,
        "id": SCOPE,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b3a6f",
        "icons": [
            {
                "src": reverse("web:field_icon", args=[size]),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in ICON_SIZES
        ],
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json; charset=utf-8"
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@functools.cache
def _icon_png(size: int) -> bytes:
    """A square PNG: the Sentra mark (a white "S" on navy), drawn with Pillow."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (size, size), (11, 58, 111))
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.load_default(size=int(size * 0.62))
    except TypeError:  # Pillow without FreeType sizes
        font = ImageFont.load_default()
    draw.text((size / 2, size / 2), "S", fill=(255, 255, 255), font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@require_GET
def icon(request, size: int):
    if size not in ICON_SIZES:
        raise Http404
    response = HttpResponse(_icon_png(size), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def service_worker(request):
    """The built service worker, with the scope /lapangan/ and never cached by HTTP (updates reach phones)."""
    path = BUILD_DIR / "sw.js"
    if not path.is_file():
        return HttpResponse(
            "// The phone app is not built: run scripts/build-assets.\n",
            status=404,
            content_type="application/javascript; charset=utf-8",
        )
    response = HttpResponse(path.read_bytes(), content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = SCOPE
    response["Cache-Control"] = "no-cache"
    return response
