"""The filters of the IKM, sentra and product lists, declared once (core/filtersets.py): the web pages
(web/generic.py) and the API (api/registry.py) build their inputs from these and clean every value
the same way, so both take and refuse the same values."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sentra.core.filtersets import FilterField, FilterSet
from sentra.verification.models import VerificationStatus

from . import selectors
from .choices import CentreStatus, EnterpriseStatus, MarketReach, SizeClass

SEARCH = FilterField("q", label=_("Cari"), description="Cari nama (IKM: juga pemilik atau NIB 13 angka).")
REGION = FilterField(
    "region",
    label=_("Kode wilayah"),
    description="Kode wilayah di tingkat mana pun, mis. 64.09 atau 6409.",
    max_length=13,
    pattern=r"[0-9.]{1,13}",
)
KBLI = FilterField(
    "kbli", label=_("KBLI"), description="Awalan kode KBLI 2020, mis. 10 atau 10794.", pattern=r"[0-9]{1,5}"
)
VERIFICATION = FilterField(
    "verification", "choice", _("Status verifikasi"), "Status verifikasi.", choices=VerificationStatus.choices
)
WAITING = FilterField(
    "waiting", "boolean", _("Menunggu"), "Hanya data yang menunggu tindakan tingkat Anda.", neutral=False
)


def _sort(sorts: dict) -> FilterField:
    keys = [key for key in sorts if key]
    return FilterField(
        "sort",
        "choice",
        _("Urutan"),
        "Urutan: " + ", ".join(keys) + ". Tanpa urutan: nama; pencarian q (3 huruf atau lebih) tanpa "
        "urutan: terbaru dulu.",
        choices=[(key, key) for key in keys],
    )


ENTERPRISE_FILTERS = FilterSet(
    selectors.RegistryFilter,
    (
        SEARCH,
        REGION,
        KBLI,
        FilterField("status", "choice", _("Status"), choices=EnterpriseStatus.choices),
        FilterField("size_class", "choice", _("Skala"), choices=SizeClass.choices),
        VERIFICATION,
        WAITING,
        _sort(selectors.ENTERPRISE_SORTS),
    ),
)

CENTRE_FILTERS = FilterSet(
    selectors.RegistryFilter,
    (
        SEARCH,
        REGION,
        KBLI,
        FilterField("status", "choice", _("Status"), choices=CentreStatus.choices),
        VERIFICATION,
        WAITING,
        _sort(selectors.CENTRE_SORTS),
    ),
)

PRODUCT_FILTERS = FilterSet(
    selectors.RegistryFilter,
    (
        SEARCH,
        REGION,
        KBLI,
        FilterField("market_reach", "choice", _("Jangkauan pasar"), choices=MarketReach.choices),
        VERIFICATION,
        WAITING,
        _sort(selectors.PRODUCT_SORTS),
    ),
)
