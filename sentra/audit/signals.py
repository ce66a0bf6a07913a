"""What audit tells the domains when it writes records itself, without their services: a restore of an
earlier version and the rollback of an import. A domain that keeps something derived from its records
(analytics' count of active IKM per village × KBLI) connects from its AppConfig.ready() and brings that
up to date in the same transaction; audit stays below the domains (it names no model).
"""

from __future__ import annotations

from django.dispatch import Signal

#: Records of one model (the sender) were rewritten or deleted by audit. kwargs: places — the
#: placement codes (a registry record's village, a plan's region) of those records before and after.
placed_records_written = Signal()
