"""Field visits: recording one (from the phone's sync, the web form or an import), a sync batch, reads.

`record_visit(actor, data)` -> (visit, created, warnings) writes one visit in one transaction: the visit,
the enterprises and centres visited (VisitEnterprise.visited_on copies its date), the follow-up actions,
the enterprise updates proposed during it (facilitators.proposals.propose), the caseload's
`Assignment.last_visit_on`, and the audit. A broken rule writes nothing and raises DomainError whose
FieldErrors carry stable codes:

- `invalid_client_id`: the phone's id is not a UUID;
- `required` (kind, visited_at), `invalid_choice` (kind), `invalid` (a malformed value);
- `future_date`: visited later than now (plus CLOCK_SKEW for a phone's clock);
- `before_contract`: before the facilitator's first contract or placement started;
- `unknown_enterprise` / `unknown_centre`: an id that names nothing the actor may read;
- `unknown_village` / `village_outside_placement`: the village chosen by hand;
- `no_facilitator` (a facilitator-role user whose account is linked to no facilitator record),
  `facilitator_required` (a manager recording must name the facilitator), `unknown_facilitator`;
- `client_id_in_use`: the client id belongs to a visit the actor may not read.

Idempotent on `client_id`: the same id again returns the stored visit (created False) and writes
nothing; when the body differs from what was stored, nothing is overwritten either and the answer
carries the warning `already_synced`.

Coordinates are never refused (GPS can be wrong or mocked): the visit is accepted with a warning and
`Visit.location_flag` set for the supervisor — `outside_indonesia` (outside the country's bounding box
or at sea, in no regency polygon and not within COAST_KM of the placement regency),
`outside_placement` (more than FAR_KM from the placement regency's boundary), `suspect_mock` (an
accuracy of exactly 0, as mock-location apps report), `no_fix` (no coordinates at all).

The village: the village of the nearest registered enterprise with coordinates within NEAR_KM of the
point, in the regency holding it (facilitators.geo: point in polygon; there are no village polygons);
else the village chosen by hand (a village of the placement regency); else the one village all the
visited enterprises and centres share; else none.

`sync_batch(actor, items)` answers each item on its own transaction, so a batch cut half-way keeps the
visits it wrote and the retry answers them `existing`.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, region_q, require
from sentra.audit.models import AuditAction
from sentra.audit.services import record_change
from sentra.core.errors import AccessDenied, DomainError, FieldError, NotFound
from sentra.regions.models import Region
from sentra.registry.models import Centre, Enterprise

from . import geo
from .choices import LocationFlag, VisitKind
from .models import (
    Assignment,
    Contract,
    Facilitator,
    Placement,
    Visit,
    VisitAction,
    VisitCentre,
    VisitEnterprise,
)
from .selectors import own_facilitator, own_work_only, visible_facilitators, visible_visits

MAX_BATCH = 200
MAX_PLACES = 100  # enterprises or centres named in one visit
MAX_ACTIONS = 50
MAX_PROPOSALS = 50
MAX_TEXT = 10_000
CLOCK_SKEW = dt.timedelta(minutes=10)  # a phone's clock may run a little ahead
FAR_KM = 25.0  # further than this outside the placement regency: flagged
COAST_KM = 2.0  # simplified coastlines: a point this close to the placement regency is not "at sea"
NEAR_KM = 2.0  # a registered enterprise this close gives the visit its village

TEXT_FIELDS = ("findings", "problems", "advice")


@dataclass
class Notice:
    """A warning: the visit was accepted, but someone should look (`location_flag`) or know."""

    code: str
    message: str
    field: str = ""


@dataclass
class SyncResult:
    client_id: str
    status: str  # created | existing | error
    id: int | None = None
    warnings: list[Notice] | None = None
    errors: list[FieldError] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "status": self.status,
            "id": self.id,
            "warnings": [asdict(w) for w in self.warnings or []],
            "errors": [{"code": e.code, "field": e.field, "message": e.message} for e in self.errors or []],
        }


# --- parsing ----------------------------------------------------------------------------------------


def parse_client_id(value: Any, field: str = "client_id") -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except (ValueError, AttributeError, TypeError):
        message = _("ID perangkat “%(value)s” bukan UUID yang sah.") % {"value": str(value)[:60]}
        raise DomainError(
            message, code="invalid_client_id", errors=[FieldError(field, message, "invalid_client_id")]
        ) from None


def _datetime(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = parse_datetime(str(value).strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValueError(value)
    if not 2000 <= parsed.year <= 2100:  # nothing to compare or store (year 1 with an offset overflows)
        raise ValueError(value)
    if timezone.is_naive(parsed):  # no offset: read on Sentra's clock (WIB)
        parsed = timezone.make_aware(parsed)
    return parsed


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parsed = parse_date(str(value).strip())
    if parsed is None:
        raise ValueError(value)
    return parsed


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number.quantize(Decimal("0.000001"))


def _ids(value: Any) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def local_date(moment: dt.datetime) -> dt.date:
    """The visit's day as the facilitator lived it: the phone's own offset when it sent one."""
    return moment.date() if moment.tzinfo is not None else timezone.localdate(moment)


# --- who the visit is of ----------------------------------------------------------------------------


def facilitator_for(actor: Actor, facilitator_id: Any = None, cache: BatchCache | None = None) -> Facilitator:
    """The actor's own facilitator record; a manager names a facilitator they read (and may write for)."""
    require(actor, Action.CREATE, Area.FACILITATORS)
    own = None
    if own_work_only(actor):
        if cache is None:
            own = own_facilitator(actor)
        else:
            if actor.user_id not in cache.own:
                cache.own[actor.user_id] = own_facilitator(actor)
            own = cache.own[actor.user_id]
    if own_work_only(actor):
        if own is None:
            message = _("Akun Anda belum terhubung dengan data pendamping (TPL-IKM); hubungi Dinas Anda.")
            raise DomainError(
                message,
                code="no_facilitator",
                errors=[FieldError("facilitator_id", message, "no_facilitator")],
            )
        if facilitator_id not in (None, "", own.pk, str(own.pk)):
            raise _unknown_facilitator(facilitator_id)
        return own
    if facilitator_id in (None, ""):
        message = _("Pilih pendamping yang kunjungannya dicatat.")
        raise DomainError(
            message, code="facilitator_required", errors=[FieldError("facilitator_id", message, "required")]
        )
    try:
        found = visible_facilitators(actor).filter(pk=int(facilitator_id)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise _unknown_facilitator(facilitator_id)
    if not actor.is_superuser and not actor.can(Action.CREATE, Area.FACILITATORS):
        raise AccessDenied(_("Peran Anda tidak diizinkan mencatat kunjungan."))
    return found


def _unknown_facilitator(pk: Any) -> DomainError:
    message = _("Pendamping dengan id %(id)s tidak ditemukan di wilayah Anda.") % {"id": pk}
    return DomainError(
        message,
        code="unknown_facilitator",
        errors=[FieldError("facilitator_id", message, "unknown_facilitator")],
    )


@dataclass
class BatchCache:
    """What the visits of one sync batch share, read once per batch instead of once per visit.

    Only reads that cannot change between the visits of one batch are kept: the facilitator's own record,
    the first day of their work, and the coordinates of the registered enterprises of a regency (for the
    village of a point). Each visit is still written in its own transaction.
    """

    own: dict[int, Facilitator | None] = field(default_factory=dict)
    starts: dict[int, dt.date | None] = field(default_factory=dict)
    grids: dict[str, dict[tuple[int, int], list]] = field(default_factory=dict)


def work_starts_on(facilitator: Facilitator, cache: BatchCache | None = None) -> dt.date | None:
    """The first day of the facilitator's first contract or placement (None when neither exists)."""
    if cache is not None:
        if facilitator.pk not in cache.starts:
            cache.starts[facilitator.pk] = work_starts_on(facilitator)
        return cache.starts[facilitator.pk]
    starts = [
        Contract.objects.filter(facilitator=facilitator).aggregate(first=Min("period_start"))["first"],
        Placement.objects.filter(facilitator=facilitator).aggregate(first=Min("starts_on"))["first"],
    ]
    starts = [s for s in starts if s is not None]
    return min(starts) if starts else None


# --- the place --------------------------------------------------------------------------------------


def locate(
    *,
    latitude: Decimal | None,
    longitude: Decimal | None,
    accuracy_m: float | None,
    placement_regency: str,
) -> tuple[str, str | None, list[Notice]]:
    """(location_flag, regency holding the point, warnings) of a visit's coordinates."""
    notices: list[Notice] = []
    if latitude is None or longitude is None:
        notices.append(
            Notice(
                "no_location",
                _("Kunjungan tanpa koordinat GPS: lokasi tidak dapat diperiksa; pembimbing akan melihatnya."),
                "latitude",
            )
        )
        return LocationFlag.NO_FIX, None, notices
    lat, lon = float(latitude), float(longitude)
    flag = LocationFlag.NONE
    regency = geo.regency_at(lat, lon)
    if regency is None:
        coast = (
            geo.distance_to_regency_km(lat, lon, placement_regency)
            if geo.in_indonesia_bbox(lat, lon)
            else None
        )
        if coast is not None and coast <= COAST_KM:
            regency = placement_regency  # on the beach of a simplified coastline
        else:
            flag = LocationFlag.OUTSIDE_INDONESIA
            notices.append(
                Notice(
                    "outside_indonesia",
                    _(
                        "Koordinat %(lat).5f, %(lon).5f berada di luar wilayah daratan Indonesia "
                        "(di laut atau di luar negeri). Kunjungan tetap disimpan dan ditandai untuk "
                        "diperiksa pembimbing."
                    )
                    % {"lat": lat, "lon": lon},
                    "latitude",
                )
            )
    if regency is not None and regency != placement_regency:
        distance = geo.distance_to_regency_km(lat, lon, placement_regency)
        if distance is not None and distance > FAR_KM:
            flag = LocationFlag.OUTSIDE_PLACEMENT
            shape = geo.shapes().get(regency)
            notices.append(
                Notice(
                    "outside_placement",
                    _(
                        "Koordinat kunjungan berada di %(place)s, sekitar %(km).0f km di luar kabupaten/kota "
                        "penempatan Anda. Kunjungan tetap disimpan dan ditandai untuk diperiksa pembimbing."
                    )
                    % {"place": shape.name if shape else regency, "km": distance},
                    "latitude",
                )
            )
    if accuracy_m is not None and accuracy_m == 0:
        if flag == LocationFlag.NONE:
            flag = LocationFlag.SUSPECT_MOCK
        notices.append(
            Notice(
                "suspect_mock",
                _(
                    "Akurasi GPS 0 m biasanya berasal dari aplikasi lokasi palsu. Kunjungan tetap disimpan "
                    "dan ditandai untuk diperiksa pembimbing."
                ),
                "accuracy_m",
            )
        )
    return flag, regency, notices


GRID_DEG = 0.05  # cells of the per-batch grid of enterprise points (> NEAR_KM everywhere in Indonesia)


def _grid(regency: str, cache: BatchCache) -> dict[tuple[int, int], list]:
    """The regency's registered enterprises with coordinates, bucketed by GRID_DEG cell (once a batch)."""
    grid = cache.grids.get(regency)
    if grid is None:
        grid = {}
        rows = (
            Enterprise.objects.filter(regency_code=regency, latitude__isnull=False, longitude__isnull=False)
            .order_by()
            .values_list("village_id", "latitude", "longitude")
        )
        for village_id, e_lat, e_lon in rows.iterator(chunk_size=5000):
            e_lat, e_lon = float(e_lat), float(e_lon)
            key = (math.floor(e_lat / GRID_DEG), math.floor(e_lon / GRID_DEG))
            grid.setdefault(key, []).append((village_id, e_lat, e_lon))
        cache.grids[regency] = grid
    return grid


def village_near(
    regency: str, latitude: Decimal, longitude: Decimal, cache: BatchCache | None = None
) -> str | None:
    """The village of the nearest registered enterprise with coordinates within NEAR_KM, in `regency`."""
    lat, lon = float(latitude), float(longitude)
    if cache is not None:
        dlat, dlon = geo.degrees_around(lat, NEAR_KM)
        grid = _grid(regency, cache)
        best, best_km = None, NEAR_KM
        for i in range(math.floor((lat - dlat) / GRID_DEG), math.floor((lat + dlat) / GRID_DEG) + 1):
            for j in range(math.floor((lon - dlon) / GRID_DEG), math.floor((lon + dlon) / GRID_DEG) + 1):
                for village_id, e_lat, e_lon in grid.get((i, j), ()):
                    km = geo.distance_km(lat, lon, e_lat, e_lon)
                    if km <= best_km:
                        best, best_km = village_id, km
        return best
    dlat, dlon = geo.degrees_around(lat, NEAR_KM)
    rows = (
        Enterprise.objects.filter(
            regency_code=regency,
            latitude__gte=Decimal(f"{lat - dlat:.6f}"),
            latitude__lte=Decimal(f"{lat + dlat:.6f}"),
            longitude__gte=Decimal(f"{lon - dlon:.6f}"),
            longitude__lte=Decimal(f"{lon + dlon:.6f}"),
        )
        .order_by()
        .values_list("village_id", "latitude", "longitude")[:500]
    )
    best, best_km = None, NEAR_KM
    for village_id, e_lat, e_lon in rows:
        km = geo.distance_km(lat, lon, float(e_lat), float(e_lon))
        if km <= best_km:
            best, best_km = village_id, km
    return best


def _chosen_village(code: Any, placement_regency: str, errors: list[FieldError]) -> str | None:
    if code in (None, ""):
        return None
    code = str(code).strip()
    if not Region.objects.filter(code=code, level=Region.Level.VILLAGE).exists():
        errors.append(
            FieldError(
                "village_code",
                _("Desa/kelurahan dengan kode %(code)s tidak ada.") % {"code": code[:20]},
                "unknown_village",
            )
        )
        return None
    if code[:5] != placement_regency:
        errors.append(
            FieldError(
                "village_code",
                _("Desa/kelurahan %(code)s berada di luar kabupaten/kota penempatan Anda (%(regency)s).")
                % {"code": code, "regency": placement_regency},
                "village_outside_placement",
            )
        )
        return None
    return code


# --- the write --------------------------------------------------------------------------------------


def existing_visit(actor: Actor, client_id: uuid.UUID) -> Visit | None:
    found = Visit.objects.filter(client_id=client_id).first()
    if found is None:
        return None
    if not visible_visits(actor).filter(pk=found.pk).exists():
        message = _("ID perangkat ini sudah dipakai oleh kunjungan lain.")
        raise DomainError(
            message, code="client_id_in_use", errors=[FieldError("client_id", message, "client_id_in_use")]
        )
    return found


def _differs(visit: Visit, data: dict[str, Any]) -> bool:
    """Whether a replayed body says something else than the visit stored under its client id."""
    try:
        visited_at = _datetime(data.get("visited_at"))
        lat, lon = _decimal(data.get("latitude")), _decimal(data.get("longitude"))
    except ValueError:
        return True
    if visited_at != visit.visited_at or lat != visit.latitude or lon != visit.longitude:
        return True
    if str(data.get("kind") or "") != visit.kind:
        return True
    if any(str(data.get(name) or "").strip() != getattr(visit, name) for name in TEXT_FIELDS):
        return True
    ents = {str(i) for i in _ids(data.get("enterprise_ids"))}
    cens = {str(i) for i in _ids(data.get("centre_ids"))}
    stored_ents = {str(i) for i in visit.visit_enterprises.values_list("enterprise_id", flat=True)}
    stored_cens = {str(i) for i in visit.visit_centres.values_list("centre_id", flat=True)}
    return ents != stored_ents or cens != stored_cens


def _already_synced(visit: Visit, data: dict[str, Any]) -> list[Notice]:
    if not _differs(visit, data):
        return []
    return [
        Notice(
            "already_synced",
            _(
                "Kunjungan ini (ID perangkat %(id)s) sudah terkirim sebelumnya dengan isi yang berbeda; "
                "data yang tersimpan tidak diubah. Ubah kunjungan lewat halaman kunjungan."
            )
            % {"id": visit.client_id},
        )
    ]


def _readable(
    actor: Actor, model, ids: list, field: str, code: str, label: str, errors: list[FieldError]
) -> list:
    """The records named by id, in order, deduplicated; an unreadable or malformed id is an error."""
    wanted: list[int] = []
    for index, raw in enumerate(ids[: MAX_PLACES + 1]):
        try:
            pk = int(raw)
            if pk < 1 or isinstance(raw, bool):
                raise ValueError
        except (TypeError, ValueError):
            errors.append(
                FieldError(f"{field}.{index}", _("“%(v)s” bukan id yang sah.") % {"v": str(raw)[:40]}, code)
            )
            continue
        wanted.append(pk)
    if len(ids) > MAX_PLACES:
        errors.append(
            FieldError(field, _("Paling banyak %(n)s per kunjungan.") % {"n": MAX_PLACES}, "too_many")
        )
    found = {
        r.pk: r for r in model.objects.filter(region_q(actor), pk__in=wanted).only("pk", "village_id", "name")
    }
    for index, pk in enumerate(wanted):
        if pk not in found:
            errors.append(
                FieldError(
                    f"{field}.{index}",
                    _("%(label)s dengan id %(id)s tidak ada atau berada di luar wilayah Anda.")
                    % {"label": label, "id": pk},
                    code,
                )
            )
    return [found[pk] for pk in dict.fromkeys(wanted) if pk in found]


def _actions(raw: Any, errors: list[FieldError]) -> list[tuple[str, dt.date | None]]:
    items = raw if isinstance(raw, list) else ([] if raw in (None, "") else None)
    if items is None:
        errors.append(FieldError("actions", _("Tindak lanjut harus berupa daftar."), "invalid"))
        return []
    if len(items) > MAX_ACTIONS:
        errors.append(
            FieldError("actions", _("Paling banyak %(n)s tindak lanjut.") % {"n": MAX_ACTIONS}, "too_many")
        )
        return []
    result = []
    for index, item in enumerate(items):
        item = item if isinstance(item, dict) else {"description": item}
        description = str(item.get("description") or "").strip()
        if not description:
            errors.append(
                FieldError(f"actions.{index}.description", _("Uraian tindak lanjut wajib diisi."), "required")
            )
            continue
        if len(description) > 500:
            errors.append(
                FieldError(f"actions.{index}.description", _("Paling panjang 500 karakter."), "too_long")
            )
            continue
        try:
            due_on = _date(item.get("due_on"))
        except ValueError:
            errors.append(
                FieldError(
                    f"actions.{index}.due_on", _("Tanggal tenggat tidak sah (format YYYY-MM-DD)."), "invalid"
                )
            )
            continue
        result.append((description, due_on))
    return result


def check_visit(
    actor: Actor, facilitator: Facilitator, data: dict[str, Any], cache: BatchCache | None = None
) -> dict[str, Any]:
    """Every rule of a new visit; all problems at once (one DomainError), nothing written."""
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}

    try:
        visited_at = _datetime(data.get("visited_at"))
    except ValueError:
        visited_at = None
        errors.append(
            FieldError(
                "visited_at",
                _("Waktu kunjungan tidak sah (ISO 8601, mis. 2026-11-16T09:30:00+08:00)."),
                "invalid",
            )
        )
    else:
        if visited_at is None:
            errors.append(FieldError("visited_at", _("Waktu kunjungan wajib diisi."), "required"))
    if visited_at is not None:
        if visited_at > timezone.now() + CLOCK_SKEW:
            errors.append(
                FieldError(
                    "visited_at",
                    _("Waktu kunjungan %(at)s masih di masa depan; periksa tanggal dan jam di ponsel Anda.")
                    % {"at": visited_at.isoformat(timespec="minutes")},
                    "future_date",
                )
            )
        starts = work_starts_on(facilitator, cache)
        if starts is not None and local_date(visited_at) < starts:
            errors.append(
                FieldError(
                    "visited_at",
                    _(
                        "Tanggal kunjungan %(on)s sebelum kontrak/penempatan pertama %(name)s "
                        "dimulai (%(start)s)."
                    )
                    % {
                        "on": local_date(visited_at).isoformat(),
                        "name": facilitator.name,
                        "start": starts.isoformat(),
                    },
                    "before_contract",
                )
            )
    clean["visited_at"] = visited_at

    kind = str(data.get("kind") or "").strip()
    if not kind:
        errors.append(FieldError("kind", _("Tujuan kunjungan wajib dipilih."), "required"))
    elif kind not in VisitKind.values:
        errors.append(
            FieldError(
                "kind",
                _("Tujuan kunjungan “%(kind)s” tidak dikenal; pilih salah satu: %(choices)s.")
                % {"kind": kind[:40], "choices": ", ".join(VisitKind.values)},
                "invalid_choice",
            )
        )
    clean["kind"] = kind

    for name in TEXT_FIELDS:
        text = str(data.get(name) or "").replace("\x00", "").strip()
        if len(text) > MAX_TEXT:
            errors.append(FieldError(name, _("Paling panjang %(n)s karakter.") % {"n": MAX_TEXT}, "too_long"))
        clean[name] = text

    coords: dict[str, Any] = {}
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180), ("accuracy_m", 0, 1_000_000)):
        try:
            value = _decimal(data.get(name))
        except ValueError:
            errors.append(FieldError(name, _("Angka tidak sah."), "invalid"))
            value = None
        if value is not None and not (low <= value <= high):
            errors.append(
                FieldError(
                    name, _("Harus antara %(low)s dan %(high)s.") % {"low": low, "high": high}, "invalid"
                )
            )
            value = None
        coords[name] = value
    if (coords["latitude"] is None) != (coords["longitude"] is None):
        errors.append(
            FieldError(
                "longitude", _("Lintang dan bujur harus diisi keduanya atau tidak sama sekali."), "invalid"
            )
        )
        coords["latitude"] = coords["longitude"] = None
    clean["latitude"], clean["longitude"] = coords["latitude"], coords["longitude"]
    clean["accuracy_m"] = float(coords["accuracy_m"]) if coords["accuracy_m"] is not None else None

    clean["enterprises"] = _readable(
        actor,
        Enterprise,
        _ids(data.get("enterprise_ids")),
        "enterprise_ids",
        "unknown_enterprise",
        _("IKM"),
        errors,
    )
    clean["centres"] = _readable(
        actor, Centre, _ids(data.get("centre_ids")), "centre_ids", "unknown_centre", _("Sentra IKM"), errors
    )
    clean["actions"] = _actions(data.get("actions"), errors)
    chosen = _chosen_village(data.get("village_code"), facilitator.regency_code, errors)
    proposals = data.get("proposals") or []
    if not isinstance(proposals, list) or len(proposals) > MAX_PROPOSALS:
        errors.append(
            FieldError(
                "proposals", _("Paling banyak %(n)s usulan per kunjungan.") % {"n": MAX_PROPOSALS}, "too_many"
            )
        )
        proposals = []
    clean["proposals"] = proposals

    if errors:
        raise DomainError(
            _summary(errors),
            code=errors[0].code if len({e.code for e in errors}) == 1 else "invalid",
            errors=errors,
        )

    flag, regency, notices = locate(
        latitude=clean["latitude"],
        longitude=clean["longitude"],
        accuracy_m=clean["accuracy_m"],
        placement_regency=facilitator.regency_code,
    )
    village = None
    if regency is not None:
        village = village_near(regency, clean["latitude"], clean["longitude"], cache)
    village = village or chosen
    if village is None:
        places = {p.village_id for p in [*clean["enterprises"], *clean["centres"]]}
        if len(places) == 1:
            village = places.pop()
    clean.update(location_flag=flag, village_id=village, notices=notices)
    return clean


def _summary(errors: list[FieldError]) -> str:
    if len(errors) == 1:
        return errors[0].message
    return _("Kunjungan tidak disimpan: %(n)s isian perlu diperbaiki.") % {"n": len(errors)}


def record_visit(
    actor: Actor, data: dict[str, Any], cache: BatchCache | None = None
) -> tuple[Visit, bool, list[Notice]]:
    """One visit (keys as the API's visit item; `facilitator_id` when a manager records for someone).

    `cache`: the reads a sync batch shares between its visits (sync_batch passes one).
    """
    client_id = parse_client_id(data.get("client_id"))
    existing = existing_visit(actor, client_id)
    if existing is not None:
        require(actor, Action.VIEW, Area.FACILITATORS)
        return existing, False, _already_synced(existing, data)
    facilitator = facilitator_for(actor, data.get("facilitator_id"), cache)
    clean = check_visit(actor, facilitator, data, cache)
    try:
        with transaction.atomic():
            visit = _write(actor, facilitator, client_id, clean)
    except IntegrityError:
        # The same client id written meanwhile by a concurrent retry of this sync: answer with it.
        existing = existing_visit(actor, client_id)  # client_id_in_use when it is not the actor's to read
        if existing is None:
            raise
        return existing, False, _already_synced(existing, data)
    return visit, True, clean["notices"]


def _write(actor: Actor, facilitator: Facilitator, client_id: uuid.UUID, clean: dict[str, Any]) -> Visit:
    visit = Visit(
        client_id=client_id,
        facilitator=facilitator,
        visited_at=clean["visited_at"],
        latitude=clean["latitude"],
        longitude=clean["longitude"],
        accuracy_m=clean["accuracy_m"],
        village_id=clean["village_id"],
        location_flag=clean["location_flag"],
        kind=clean["kind"],
        findings=clean["findings"],
        problems=clean["problems"],
        advice=clean["advice"],
        recorded_by_id=actor.user_id,
    )
    visit.place_at(facilitator.regency_code)
    visit.save()
    visited_on = local_date(visit.visited_at)
    VisitEnterprise.objects.bulk_create(
        [VisitEnterprise(visit=visit, enterprise=e, visited_on=visited_on) for e in clean["enterprises"]]
    )
    VisitCentre.objects.bulk_create([VisitCentre(visit=visit, centre=c) for c in clean["centres"]])
    record_change(actor=actor, action=AuditAction.CREATE, obj=visit)
    for description, due_on in clean["actions"]:
        action = VisitAction.objects.create(visit=visit, description=description, due_on=due_on)
        record_change(actor=actor, action=AuditAction.CREATE, obj=action)
    _touch_caseload(facilitator, clean["enterprises"], clean["centres"], visited_on)
    _proposals(actor, facilitator, visit, clean["proposals"])
    return visit


def _touch_caseload(facilitator: Facilitator, enterprises: list, centres: list, visited_on: dt.date) -> int:
    """Assignment.last_visit_on = the latest visit of each assigned enterprise/centre (never moves back)."""
    targets = Q(enterprise_id__in=[e.pk for e in enterprises]) | Q(centre_id__in=[c.pk for c in centres])
    if not enterprises and not centres:
        return 0
    return (
        Assignment.objects.filter(targets, facilitator=facilitator)
        .filter(Q(last_visit_on__isnull=True) | Q(last_visit_on__lt=visited_on))
        .update(last_visit_on=visited_on)
    )


def _proposals(actor: Actor, facilitator: Facilitator, visit: Visit, items: list) -> None:
    if not items:
        return
    from .proposals import propose

    for index, item in enumerate(items):
        item = item if isinstance(item, dict) else {}
        try:
            propose(
                actor=actor,
                facilitator=facilitator,
                enterprise_id=item.get("enterprise_id"),
                changes=item.get("changes") or {},
                base_version=item.get("base_version"),
                client_id=item.get("client_id"),
                visit=visit,
            )
        except DomainError as exc:
            errors = exc.errors or [FieldError("", exc.message, exc.code)]
            raise DomainError(
                _("Usulan pembaruan data IKM ke-%(n)s tidak dapat diterima: %(why)s")
                % {"n": index + 1, "why": exc.message},
                code=exc.code,
                errors=[
                    FieldError(f"proposals.{index}" + (f".{e.field}" if e.field else ""), e.message, e.code)
                    for e in errors
                ],
            ) from None


# --- a sync batch -----------------------------------------------------------------------------------


def sync_batch(actor: Actor, items: list[dict[str, Any]]) -> list[SyncResult]:
    """Each visit on its own transaction; a refused one does not stop the others."""
    if len(items) > MAX_BATCH:
        message = _(
            "Paling banyak %(n)s kunjungan per pengiriman; kirim sisanya pada pengiriman berikutnya."
        ) % {"n": MAX_BATCH}
        raise DomainError(message, code="too_many_visits", errors=[FieldError("visits", message, "too_many")])
    require(actor, Action.CREATE, Area.FACILITATORS)
    cache = BatchCache()
    results = []
    for item in items:
        raw_id = str((item or {}).get("client_id", "") if isinstance(item, dict) else "")[:64]
        try:
            if not isinstance(item, dict):
                raise DomainError(_("Data kunjungan harus berupa objek."), code="invalid")
            visit, created, notices = record_visit(actor, item, cache)
        except NotFound:
            results.append(
                SyncResult(
                    raw_id, "error", errors=[FieldError("facilitator_id", _("Tidak ditemukan."), "not_found")]
                )
            )
        except AccessDenied as exc:
            results.append(SyncResult(raw_id, "error", errors=[FieldError("", str(exc), "forbidden")]))
        except DomainError as exc:
            results.append(
                SyncResult(raw_id, "error", errors=exc.errors or [FieldError("", exc.message, exc.code)])
            )
        else:
            results.append(
                SyncResult(str(visit.client_id), "created" if created else "existing", visit.pk, notices)
            )
    return results


# --- reads ------------------------------------------------------------------------------------------


def visit_list(
    actor: Actor,
    *,
    facilitator: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    kind: str | None = None,
    flagged: bool | None = None,
):
    """The visits the actor reads, newest first, filtered."""
    qs = visible_visits(actor).select_related("facilitator")
    if facilitator is not None:
        qs = qs.filter(facilitator_id=facilitator)
    if date_from is not None:
        qs = qs.filter(visited_at__gte=timezone.make_aware(dt.datetime.combine(date_from, dt.time.min)))
    if date_to is not None:
        qs = qs.filter(
            visited_at__lt=timezone.make_aware(
                dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min)
            )
        )
    if kind:
        qs = qs.filter(kind=kind)
    if flagged is True:
        qs = qs.exclude(location_flag="")
    elif flagged is False:
        qs = qs.filter(location_flag="")
    return qs.order_by("-visited_at", "-pk")


def visit_get(actor: Actor, pk: int) -> Visit:
    """One visit the actor reads (NotFound otherwise), with what the detail shows."""
    try:
        return (
            visible_visits(actor)
            .select_related("facilitator", "village")
            .prefetch_related("actions", "photos", "visit_enterprises__enterprise", "visit_centres__centre")
            .get(pk=pk)
        )
    except (Visit.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def last_visit_of(facilitator: Facilitator) -> dt.datetime | None:
    return Visit.objects.filter(facilitator=facilitator).aggregate(last=Max("visited_at"))["last"]


# --- history ----------------------------------------------------------------------------------------


def _read_places(visit: Visit) -> dict[str, list]:
    return {
        "enterprises": sorted(visit.visit_enterprises.values_list("enterprise_id", flat=True)),
        "centres": sorted(visit.visit_centres.values_list("centre_id", flat=True)),
    }


def _restore_places(visit: Visit, values: dict[str, list]) -> None:
    if "enterprises" in values:
        wanted = set(
            Enterprise.objects.filter(pk__in=values["enterprises"] or []).values_list("pk", flat=True)
        )
        visit.visit_enterprises.exclude(enterprise_id__in=wanted).delete()
        have = set(visit.visit_enterprises.values_list("enterprise_id", flat=True))
        day = local_date(visit.visited_at)
        VisitEnterprise.objects.bulk_create(
            [VisitEnterprise(visit=visit, enterprise_id=pk, visited_on=day) for pk in sorted(wanted - have)]
        )
    if "centres" in values:
        wanted = set(Centre.objects.filter(pk__in=values["centres"] or []).values_list("pk", flat=True))
        visit.visit_centres.exclude(centre_id__in=wanted).delete()
        have = set(visit.visit_centres.values_list("centre_id", flat=True))
        VisitCentre.objects.bulk_create(
            [VisitCentre(visit=visit, centre_id=pk) for pk in sorted(wanted - have)]
        )


def register_audit_links() -> None:
    """The IKM and sentra of a visit, in its history like fields (audit.links); from the app's ready()."""
    from sentra.audit.links import register_links

    register_links(
        Visit,
        ("enterprises", "centres"),
        read=_read_places,
        restore=_restore_places,
        labels={"enterprises": _l("IKM dikunjungi"), "centres": _l("sentra dikunjungi")},
        targets={"enterprises": Enterprise, "centres": Centre},
    )
