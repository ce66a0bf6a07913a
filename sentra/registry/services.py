"""Writes to the registries. Every create and update of an enterprise, centre or product goes here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Left
from django.utils import timezone
from django.utils.translation import gettext as _

from sentra.accounts.permissions import Action
from sentra.accounts.scope import Actor, region_q, require_place, require_record, resolve_reference
from sentra.agencies.models import Agency
from sentra.audit.models import AuditAction
from sentra.audit.services import record_change, snapshot
from sentra.core.errors import AccessDenied, DomainError, FieldError
from sentra.core.uploads import check_upload
from sentra.core.validation import full_clean_or_raise
from sentra.core.versioning import check_version, lock_latest
from sentra.regions.models import Kbli, Region
from sentra.verification.services import ensure_editable, mark_edited

from .choices import CentreStatus, DecreeKind, SizeClass
from .models import (
    KBLI_SIMILAR_DIGITS,
    MINIMUM_CENTRE_MEMBERS,
    Centre,
    CentreMembership,
    CentreVillage,
    Decree,
    Enterprise,
    Product,
    is_manufacturing_kbli,
    kbli_not_manufacturing_message,
)
from .signals import counted_facts, enterprise_written

SMALL_INVESTMENT_LIMIT = 1_000_000_000  # Rp1 miliar
MEDIUM_INVESTMENT_LIMIT = 15_000_000_000  # Rp15 miliar
SMALL_WORKFORCE_LIMIT = 19


def enterprise_size_class(*, workers: int | None, investment: int | None) -> SizeClass:
    """Permenperin 64/M-IND/PER/7/2016: workforce and investment excluding land and buildings.

    kecil: ≤ 19 workers and investment < Rp1 M. menengah: ≤ 19 workers and ≥ Rp1 M, or ≥ 20 workers
    and ≤ Rp15 M. besar: ≥ 20 workers and > Rp15 M.

    belum diketahui (UNKNOWN): neither was given (both empty or 0: a working unit has at least its
    owner at work, so 0 workers with Rp0 investment means "not measured"), never kecil by default.
    Migration registry 0007 applies the same rule to stored rows in one UPDATE.
    """
    workers, investment = workers or 0, investment or 0
    if not workers and not investment:
        return SizeClass.UNKNOWN
    if workers <= SMALL_WORKFORCE_LIMIT:
        return SizeClass.SMALL if investment < SMALL_INVESTMENT_LIMIT else SizeClass.MEDIUM
    return SizeClass.MEDIUM if investment <= MEDIUM_INVESTMENT_LIMIT else SizeClass.LARGE


def _require_village(code: str | None, field: str = "village") -> str:
    if not code or not Region.objects.filter(code=code, level=Region.Level.VILLAGE).exists():
        raise DomainError(
            _("Wilayah tidak valid."),
            code="unknown_village",
            errors=[
                FieldError(
                    field,
                    _("Kode desa/kelurahan %(code)s tidak dikenal.") % {"code": code},
                    "unknown_village",
                )
            ],
        )
    return code


def _require_kbli(code: str | None, *, field: str = "kbli", required: bool = True) -> str | None:
    if not code and not required:
        return None
    if not code or not Kbli.objects.filter(code=code, level=5).exists():
        raise DomainError(
            _("KBLI tidak valid."),
            code="unknown_kbli",
            errors=[
                FieldError(
                    field,
                    _("Kode KBLI 2020 5 digit %(code)s tidak dikenal.") % {"code": code},
                    "unknown_kbli",
                )
            ],
        )
    if not is_manufacturing_kbli(code):
        # The rule is the model fields' validator (registry.models.validate_manufacturing_kbli, run
        # by full_clean); checked here first so that the whole error carries its own code.
        message = kbli_not_manufacturing_message(code)
        raise DomainError(
            message,
            code="kbli_not_manufacturing",
            errors=[FieldError(field, message, "kbli_not_manufacturing")],
        )
    return code


def owning_agency(actor: Actor, agency: Agency | None) -> Agency:
    """The agency a new record belongs to: the actor's own; only the ministry records for others."""
    if agency is None:
        if actor.agency_id is None:
            raise DomainError(
                _("Pilih instansi pemilik data."),
                code="agency_required",
                errors=[FieldError("agency", _("Instansi pemilik wajib diisi."), "required")],
            )
        return Agency.objects.get(pk=actor.agency_id)
    if actor.is_superuser or actor.is_national or agency.pk == actor.agency_id:
        return agency
    raise AccessDenied(_("Anda hanya dapat mencatat data atas nama instansi Anda."))


def _created(actor: Actor, record, batch=None) -> None:
    record_change(actor=actor, action=AuditAction.CREATE, obj=record, batch=batch)


def _editing(actor: Actor, record, expected_version: int | None = None) -> dict:
    """Locks the record and reloads its latest values (core.versioning.lock_latest: an edit applies
    its fields to what is stored now, and concurrent edits wait for each other), checks the edit is
    allowed and that nobody changed the record since `expected_version` (`stale`), and returns its
    state before the edit, for the history."""
    lock_latest(record)
    require_record(actor, Action.EDIT, record)
    ensure_editable(record)
    check_version(record, expected_version)
    return snapshot(record)


def _edited(actor: Actor, record, before: dict, reason: str = "") -> None:
    record_change(actor=actor, action=AuditAction.UPDATE, obj=record, before=before, reason=reason)


@transaction.atomic
def record_delete(*, actor: Actor, record, reason: str = "", expected_version: int | None = None) -> None:
    """Deletes an enterprise, centre or product; its last state stays in the history. With
    `expected_version`, only the version the caller saw (`stale` otherwise)."""
    lock_latest(record)
    require_record(actor, Action.DELETE, record)
    ensure_editable(record)
    check_version(record, expected_version)
    record_change(actor=actor, action=AuditAction.DELETE, obj=record, before=snapshot(record), reason=reason)
    counted = counted_facts(record) if isinstance(record, Enterprise) else None
    record.delete()
    if counted is not None:
        enterprise_written.send(sender=Enterprise, before=counted, after=None)


def _assign(instance, data: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    for name, value in data.items():
        setattr(instance, name, value)


# The SIINas reporting items of a small industry (Permenperin 13/2025 Pasal 7) that the enterprise
# record holds besides workers, investment, production capacity and production value.
SIINAS_FIELDS = (
    "installed_capacity",
    "production_quantity",
    "production_unit",
    "raw_material",
    "raw_material_quantity",
    "raw_material_unit",
    "raw_material_origin",
    "other_raw_materials",
    "land_building_value",
    "water_use",
    "water_unit",
    "fuel_type",
    "fuel_use",
    "fuel_unit",
    "electricity_use",
    "electricity_unit",
    "machine_count",
    "machines",
    "data_year",
)

ENTERPRISE_FIELDS = (
    "name",
    "owner_name",
    "nib",
    "address",
    "latitude",
    "longitude",
    "workers",
    "investment",
    "production_capacity",
    "capacity_unit",
    "production_value",
    "year_started",
    "status",
    *SIINAS_FIELDS,
)


@transaction.atomic
def enterprise_create(
    *, actor: Actor, village_code: str, kbli_code: str, agency: Agency | None = None, **data: Any
) -> Enterprise:
    require_place(actor, Action.CREATE, village_code)
    enterprise = Enterprise(agency=owning_agency(actor, agency))
    enterprise = _enterprise_save(enterprise, village_code=village_code, kbli_code=kbli_code, data=data)
    _created(actor, enterprise)
    enterprise_written.send(sender=Enterprise, before=None, after=counted_facts(enterprise))
    return enterprise


@transaction.atomic
def enterprise_update(
    *,
    actor: Actor,
    enterprise: Enterprise,
    village_code: str | None = None,
    kbli_code: str | None = None,
    reason: str = "",
    expected_version: int | None = None,
    **data: Any,
) -> Enterprise:
    before = _editing(actor, enterprise, expected_version)
    counted = counted_facts(enterprise)  # the stored values, reloaded under the lock by _editing
    village_code = village_code or enterprise.village_id
    require_place(actor, Action.EDIT, village_code)
    mark_edited(enterprise)
    enterprise = _enterprise_save(
        enterprise, village_code=village_code, kbli_code=kbli_code or enterprise.kbli_id, data=data
    )
    _edited(actor, enterprise, before, reason)
    enterprise_written.send(sender=Enterprise, before=counted, after=counted_facts(enterprise))
    return enterprise


def _enterprise_save(enterprise: Enterprise, *, village_code: str, kbli_code: str, data: dict) -> Enterprise:
    _assign(enterprise, data, ENTERPRISE_FIELDS)
    if enterprise.nib == "":
        enterprise.nib = None
    enterprise.place_in(_require_village(village_code))
    enterprise.kbli_id = _require_kbli(kbli_code)
    enterprise.size_class = enterprise_size_class(
        workers=enterprise.workers or 0, investment=enterprise.investment or 0
    )
    _require_free_unit(enterprise)
    full_clean_or_raise(enterprise)
    enterprise.save()
    return enterprise


def _require_free_unit(enterprise: Enterprise) -> None:
    """One record per unit: NIB + KBLI + village (OSS-RBA: a NIB holds several units, each with its
    KBLI and location). Another unit of the same NIB is allowed; the same unit twice is refused
    with code unit_exists, on the NIB field. The unit found lies in the village being written, which
    the caller may write to (require_place), so naming it leaks nothing."""
    if not enterprise.nib:
        return
    other = (
        Enterprise.objects.filter(
            nib=enterprise.nib, kbli_id=enterprise.kbli_id, village_id=enterprise.village_id
        )
        .exclude(pk=enterprise.pk)
        .values_list("pk", "name")
        .first()
    )
    if other is None:
        return
    message = _(
        "NIB %(nib)s sudah memiliki unit usaha dengan KBLI %(kbli)s di desa/kelurahan ini: “%(name)s” "
        "(#%(id)d). Satu NIB dapat memiliki beberapa unit dengan KBLI atau lokasi berbeda; ubah unit "
        "itu, atau isi KBLI/desa unit yang lain."
    ) % {"nib": enterprise.nib, "kbli": enterprise.kbli_id, "name": other[1], "id": other[0]}
    raise DomainError(message, code="unit_exists", errors=[FieldError("nib", message, "unit_exists")])


CENTRE_FIELDS = (
    "name",
    "commodity",
    "raw_material",
    "description",
    "status",
    "proposed_on",
    "designated_on",
    "developing_on",
    "self_reliant_on",
    "inactive_on",
    "inactive_reason",
    "board_chair",
    "board_members",
    "upt_name",
    "has_gapura",
    "has_logo",
    "has_showroom",
    "facilities",
    "is_desa_wisata",
    "is_desa_pengrajin",
    "decree",
)


@transaction.atomic
def centre_create(
    *,
    actor: Actor,
    village_codes: list[str],
    kbli_code: str,
    member_ids: Iterable[int] = (),
    agency: Agency | None = None,
    **data: Any,
) -> Centre:
    for code in village_codes or []:
        require_place(actor, Action.CREATE, code)
    centre = Centre(agency=owning_agency(actor, agency))
    centre = _centre_save(
        centre,
        actor=actor,
        village_codes=village_codes,
        kbli_code=kbli_code,
        member_ids=member_ids,
        data=data,
    )
    _created(actor, centre)
    return centre


@transaction.atomic
def centre_update(
    *,
    actor: Actor,
    centre: Centre,
    village_codes: list[str] | None = None,
    kbli_code: str | None = None,
    member_ids: Iterable[int] | None = None,
    reason: str = "",
    expected_version: int | None = None,
    **data: Any,
) -> Centre:
    before = _editing(actor, centre, expected_version)
    village_codes = village_codes if village_codes is not None else centre_village_codes(centre)
    for code in village_codes:
        require_place(actor, Action.EDIT, code)
    mark_edited(centre)
    centre = _centre_save(
        centre,
        actor=actor,
        village_codes=village_codes,
        kbli_code=kbli_code or centre.kbli_id,
        member_ids=member_ids,
        data=data,
    )
    _edited(actor, centre, before, reason)
    return centre


@transaction.atomic
def centre_deactivate(
    *,
    actor: Actor,
    centre: Centre,
    reason: str,
    on: date | None = None,
    expected_version: int | None = None,
) -> Centre:
    """Marks a centre *tidak aktif* (dissolved or no longer producing together) from any step of its
    lifecycle, on `on` (today by default) and for `reason` (required, kept on the centre and in the
    history). Setting another status later reactivates it; the date and reason stay as a record."""
    return centre_update(
        actor=actor,
        centre=centre,
        status=CentreStatus.INACTIVE,
        inactive_on=on or timezone.localdate(),
        inactive_reason=(reason or "").strip(),
        reason=reason,
        expected_version=expected_version,
    )


def _centre_inactive_rule(centre: Centre) -> None:
    """An inactive centre has a reason (inactive_reason_required) and a date (today if none given)."""
    if centre.status != CentreStatus.INACTIVE:
        return
    if not (centre.inactive_reason or "").strip():
        raise DomainError(
            _("Alasan sentra tidak aktif wajib diisi."),
            code="inactive_reason_required",
            errors=[
                FieldError(
                    "inactive_reason",
                    _("Isi alasan sentra tidak aktif (misalnya dibubarkan atau berhenti berproduksi)."),
                    "required",
                )
            ],
        )
    if centre.inactive_on is None:
        centre.inactive_on = timezone.localdate()


def centre_village_codes(centre: Centre) -> list[str]:
    return list(centre.village_links.order_by("id").values_list("village_id", flat=True))


def _centre_decree_in_scope(actor: Actor, centre: Centre, data: dict) -> None:
    """A decree named for a centre resolves through the scope rule like an id in a URL: one the actor
    may not read is answered as one that does not exist. A decree applies to the region that issued it
    and everything in it, so a regency officer may also name their governor's; the centre's current
    decree may always be kept."""
    decree = data.get("decree")
    if decree is not None:
        resolve_reference(actor, Decree, decree.pk, field="decree_id", keep=centre.decree_id, enclosing=True)


# A centre is designated (and later developing, self-reliant) by a decree: these steps need one.
DECREE_REQUIRED_STATUSES = (CentreStatus.DESIGNATED, CentreStatus.DEVELOPING, CentreStatus.SELF_RELIANT)


def _centre_decree_rule(centre: Centre, was: tuple[str, int | None] | None) -> None:
    """A centre becomes *ditetapkan* (or a later step) only with its decree, and does not lose it
    there (decree_required). Checked when the status or the decree changes (`was`: both before the
    edit, None for a new centre), so that an old record designated without one can still be edited
    and given its decree; the centre's designation date defaults to the decree's."""
    if centre.status not in DECREE_REQUIRED_STATUSES:
        return
    if centre.decree_id is None:
        if was is not None and was == (centre.status, centre.decree_id):
            return
        raise DomainError(
            _("Sentra berstatus %(status)s harus memiliki dasar hukum penetapannya.")
            % {"status": centre.get_status_display()},
            code="decree_required",
            errors=[
                FieldError(
                    "decree",
                    _("Isi atau pilih dasar hukum (SK/peraturan) yang menetapkan sentra ini."),
                    "required",
                )
            ],
        )
    if centre.designated_on is None:
        centre.designated_on = centre.decree.issued_on


def _centre_save(centre: Centre, *, actor: Actor, village_codes, kbli_code, member_ids, data) -> Centre:
    _centre_decree_in_scope(actor, centre, data)
    was = (centre.status, centre.decree_id) if centre.pk else None
    if not village_codes:
        raise DomainError(
            _("Sentra harus berada di minimal satu desa/kelurahan."),
            code="no_village",
            errors=[FieldError("villages", _("Pilih minimal satu desa/kelurahan."), "required")],
        )
    codes = list(dict.fromkeys(_require_village(code, "villages") for code in village_codes))
    _assign(centre, data, CENTRE_FIELDS)
    _centre_inactive_rule(centre)
    _centre_decree_rule(centre, was)
    centre.place_in(codes[0])
    centre.kbli_id = _require_kbli(kbli_code)
    full_clean_or_raise(centre)
    centre.save()
    CentreVillage.objects.filter(centre=centre).exclude(village_id__in=codes).delete()
    existing = set(CentreVillage.objects.filter(centre=centre).values_list("village_id", flat=True))
    CentreVillage.objects.bulk_create(
        [CentreVillage(centre=centre, village_id=c) for c in codes if c not in existing]
    )
    if member_ids is not None:
        centre_set_members(actor=actor, centre=centre, enterprise_ids=member_ids)
    return centre


def centre_set_members(*, actor: Actor, centre: Centre, enterprise_ids: Iterable[int]) -> None:
    ids = set(enterprise_ids)
    # Members the actor cannot read are reported as missing, like any record outside their scope.
    visible = Enterprise.objects.filter(region_q(actor), id__in=ids)
    found = set(visible.values_list("id", flat=True))
    if missing := ids - found:
        raise DomainError(
            _("Anggota tidak ditemukan."),
            code="unknown_member",
            errors=[
                FieldError(
                    "members", _("IKM dengan id %(ids)s tidak ada.") % {"ids": sorted(missing)}, "unknown"
                )
            ],
        )
    CentreMembership.objects.filter(centre=centre).exclude(enterprise_id__in=ids).delete()
    existing = set(CentreMembership.objects.filter(centre=centre).values_list("enterprise_id", flat=True))
    CentreMembership.objects.bulk_create(
        [CentreMembership(centre=centre, enterprise_id=i) for i in sorted(ids - existing)]
    )


def centre_warnings(
    *,
    member_count: int,
    members_other_kbli: int = 0,
    kbli_code: str = "",
    members_other_raw_material: int = 0,
    raw_material: str = "",
) -> list[str]:
    """Non-blocking remarks on a centre, as messages (see centre_warning_items)."""
    return [
        message
        for _code, message in centre_warning_items(
            member_count=member_count,
            members_other_kbli=members_other_kbli,
            kbli_code=kbli_code,
            members_other_raw_material=members_other_raw_material,
            raw_material=raw_material,
        )
    ]


def centre_warning_items(
    *,
    member_count: int,
    members_other_kbli: int = 0,
    kbli_code: str = "",
    members_other_raw_material: int = 0,
    raw_material: str = "",
) -> list[tuple[str, str]]:
    """Non-blocking remarks on a centre as (code, message) (PP 29/2018 Pasal 1: at least five units
    making similar products from similar raw materials): fewer than five members (few_members),
    members whose KBLI is not in the centre's 4-digit subgolongan (members_other_kbli), and members
    whose main raw material is another than the centre's (members_other_raw_material; see
    shares_raw_material) are allowed but flagged. Selectors count both kinds of member."""
    items = []
    if member_count < MINIMUM_CENTRE_MEMBERS:
        items.append(
            (
                "few_members",
                _(
                    "Sentra ini baru memiliki %(count)d anggota; "
                    "PP 29/2018 mensyaratkan minimal %(min)d unit usaha."
                )
                % {"count": member_count, "min": MINIMUM_CENTRE_MEMBERS},
            )
        )
    if members_other_kbli:
        items.append(
            (
                "members_other_kbli",
                _(
                    "%(count)d anggota sentra ini berkode KBLI di luar subgolongan %(group)s (KBLI "
                    "sentra %(code)s); PP 29/2018 mensyaratkan anggota sentra membuat produk sejenis."
                )
                % {
                    "count": members_other_kbli,
                    "group": kbli_code[:KBLI_SIMILAR_DIGITS],
                    "code": kbli_code,
                },
            )
        )
    if members_other_raw_material and raw_material:
        items.append(
            (
                "members_other_raw_material",
                _(
                    "%(count)d anggota sentra ini mencatat bahan baku utama selain %(material)s (bahan "
                    "baku sentra); PP 29/2018 mensyaratkan anggota sentra memakai bahan baku sejenis."
                )
                % {"count": members_other_raw_material, "material": raw_material},
            )
        )
    return items


def shares_raw_material(centre_material: str, member_material: str) -> bool | None:
    """Whether a member's main raw material is the centre's: one names the other, case-insensitively
    ("Ikan tenggiri" and "ikan" do; "kedelai" and "ikan" do not). None when either is not recorded:
    a member that never stated its raw material is not counted against the centre. The SQL of
    selectors._with_member_counts applies the same rule."""
    centre = " ".join((centre_material or "").split()).casefold()
    member = " ".join((member_material or "").split()).casefold()
    if not centre or not member:
        return None
    return centre in member or member in centre


def centre_members_other_raw_material(*, raw_material: str, enterprise_ids: Iterable[int]) -> int:
    """How many of these enterprises record a main raw material other than the centre's (for a centre
    not read through selectors, e.g. a row of an import file)."""
    ids = list(enterprise_ids)
    if not ids or not (raw_material or "").strip():
        return 0
    materials = (
        Enterprise.objects.filter(pk__in=ids).exclude(raw_material="").values_list("raw_material", flat=True)
    )
    return sum(1 for material in materials if shares_raw_material(raw_material, material) is False)


def centre_members_other_kbli(*, kbli_code: str, enterprise_ids: Iterable[int]) -> int:
    """How many of these enterprises are outside the centre's KBLI subgolongan (for a centre not
    read through selectors, e.g. a row of an import file)."""
    ids = list(enterprise_ids)
    if not ids:
        return 0
    prefix = kbli_code[:KBLI_SIMILAR_DIGITS]
    members = Enterprise.objects.filter(pk__in=ids).annotate(group=Left("kbli_id", KBLI_SIMILAR_DIGITS))
    return members.exclude(group=prefix).count()


DECREE_FIELDS = ("kind", "number", "issued_on", "signatory", "title", "scan")
# A decree's scan: a PDF or a photo of the signed page, checked by its content (core.uploads).
DECREE_SCAN_TYPES = ("pdf", "jpeg", "png")
DECREE_SCAN_MAX_BYTES = 5 * 1024 * 1024


def _check_scan(data: dict[str, Any]) -> None:
    """A scan is what its name says (a PDF named .pdf, not a renamed page) and at most 5 MB; a
    stored scan (a FieldFile, kept as it is) is not checked again."""
    scan = data.get("scan")
    if scan and not isinstance(scan, FieldFile):
        check_upload(scan, allowed=DECREE_SCAN_TYPES, field="scan", limit=DECREE_SCAN_MAX_BYTES)


@transaction.atomic
def decree_create(*, region_code: str, **data: Any) -> Decree:
    _check_scan(data)
    decree = Decree(region_id=region_code)
    _assign(decree, data, DECREE_FIELDS)
    full_clean_or_raise(decree)
    decree.save()
    return decree


def decree_get_or_create(*, region_code: str, kind: str, number: str, **data: Any) -> Decree:
    existing = Decree.objects.filter(region_id=region_code, kind=kind, number=number).first()
    return existing or decree_create(region_code=region_code, kind=kind, number=number, **data)


# Acts of a governor are issued by the province; every other kind by the regency or city (as the
# centre import places them).
PROVINCIAL_DECREE_KINDS = (DecreeKind.PERGUB, DecreeKind.KEPGUB)


def decree_region(kind: str, village_code: str) -> str:
    """The region that issues a decree of this kind for a centre in this village."""
    return village_code[:2] if kind in PROVINCIAL_DECREE_KINDS else village_code[:5]


@transaction.atomic
def decree_create_for_centre(
    *, actor: Actor, village_code: str, kind: str, number: str, **data: Any
) -> Decree:
    """A decree entered with a centre (the web form): issued by the centre's regency, or its province
    for a governor's act. The user must be allowed to record in that village; a decree of the same
    kind and number already recorded for that region is not created twice (decree_exists: choose
    it instead). Recorded in the history as created."""
    require_place(actor, Action.CREATE, _require_village(village_code, "villages"))
    region = decree_region(kind, village_code)
    number = (number or "").strip()
    existing = Decree.objects.filter(region_id=region, kind=kind, number=number).first()
    if existing is not None:
        message = _("%(decree)s tanggal %(date)s sudah tercatat; pilih dari daftar dasar hukum yang ada.") % {
            "decree": existing,
            "date": existing.issued_on.strftime("%d/%m/%Y"),
        }
        raise DomainError(message, code="decree_exists", errors=[FieldError("decree", message, "exists")])
    _check_scan(data)
    decree = Decree(region_id=region, kind=kind, number=number)
    _assign(decree, data, DECREE_FIELDS)
    full_clean_or_raise(decree)
    decree.save()
    event = record_change(actor=actor, action=AuditAction.CREATE, obj=decree)
    if event is not None:  # placed at the issuing region, as the import places it
        event.region_code = region
        event.save(update_fields=["region_code"])
    return decree


PRODUCT_FIELDS = ("name", "description", "price_min", "price_max", "market_reach", "photo")


@transaction.atomic
def product_create(
    *,
    actor: Actor,
    enterprise: Enterprise | None = None,
    centre: Centre | None = None,
    kbli_code: str | None = None,
    agency: Agency | None = None,
    **data: Any,
) -> Product:
    maker = enterprise or centre
    if maker is not None:
        require_place(actor, Action.CREATE, maker.village_id)
    product = Product(agency=owning_agency(actor, agency))
    product = _product_save(product, enterprise=enterprise, centre=centre, kbli_code=kbli_code, data=data)
    _created(actor, product)
    return product


@transaction.atomic
def product_update(
    *,
    actor: Actor,
    product: Product,
    enterprise: Enterprise | None = None,
    centre: Centre | None = None,
    kbli_code: str | None = None,
    reason: str = "",
    expected_version: int | None = None,
    **data: Any,
) -> Product:
    before = _editing(actor, product, expected_version)
    enterprise = enterprise or product.enterprise
    centre = centre or product.centre
    require_place(actor, Action.EDIT, (enterprise or centre).village_id)
    mark_edited(product)
    product = _product_save(
        product, enterprise=enterprise, centre=centre, kbli_code=kbli_code or product.kbli_id, data=data
    )
    _edited(actor, product, before, reason)
    return product


def _product_save(product: Product, *, enterprise, centre, kbli_code, data) -> Product:
    if enterprise is None and centre is None:
        raise DomainError(
            _("Produk harus terkait dengan IKM atau sentra."),
            code="no_maker",
            errors=[FieldError("enterprise", _("Pilih IKM atau sentra pembuat produk."), "required")],
        )
    _assign(product, data, PRODUCT_FIELDS)
    product.enterprise, product.centre = enterprise, centre
    product.place_in((enterprise or centre).village_id)
    product.kbli_id = _require_kbli(kbli_code or (enterprise or centre).kbli_id, required=False)
    full_clean_or_raise(product)
    product.save()
    return product
