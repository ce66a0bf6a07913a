"""Signals of programmes for the apps above it (programmes must not import them: analytics listens).

`beneficiary_row_checked`: the beneficiaries import (programmes.imports.BeneficiarySchema) checked a row
that adds a centre or an enterprise to an activity. Receivers (analytics: the overlap check of issue 17
§1) answer a list of (code, message) warnings for that row, never errors: the import still writes it.
Arguments: schema (the running import, where a receiver may keep what it saw), actor, activity_id,
centre_ids, enterprise_ids.
"""

from django.dispatch import Signal

beneficiary_row_checked = Signal()
