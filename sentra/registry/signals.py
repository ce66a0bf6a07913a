"""What the registry tells the apps above it about writes of IKM (enterprises), in the write's own
transaction. Defined here, connected by the listening app's AppConfig.ready() (analytics keeps its
count per village × KBLI with them), so the registry never imports those apps.

Only the facts that are counted travel: `counted_facts(enterprise)` is (village, KBLI, workers,
production value) of an active enterprise, None for an inactive or closed one (or none at all).
"""

from __future__ import annotations

from django.dispatch import Signal

from .choices import EnterpriseStatus

#: One enterprise created, updated or deleted through registry.services (one record: exact deltas).
#: kwargs: before, after — counted_facts() of the record before and after the write.
enterprise_written = Signal()

#: An import's bulk path wrote enterprises. kwargs: villages — every village code an enterprise was
#: created in, moved from or to, or changed in (a recount of those villages is exact); most_of_table
#: — the import was at least as large as the table it began with (it set the table's indexes aside).
enterprise_villages_written = Signal()

Facts = tuple[str, str, int, int]


def counted_facts(enterprise) -> Facts | None:
    """What a count of active enterprises reads from one record; None when it counts for nothing."""
    if enterprise is None or enterprise.status != EnterpriseStatus.ACTIVE:
        return None
    if not enterprise.village_id or not enterprise.kbli_id:
        return None
    return (
        enterprise.village_id,
        enterprise.kbli_id,
        enterprise.workers or 0,
        enterprise.production_value or 0,
    )
