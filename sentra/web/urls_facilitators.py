"""Field facilitator (TPL-IKM) pages (part 5, issue 16), in the `web` namespace at /pendamping/.

Each part of the work keeps its own block below; the phone app (offline) is web/urls_field.py at /lapangan/.
"""

from django.urls import path  # noqa: F401 - the blocks below add their paths

urlpatterns: list = []

# --- facilitators, contracts, placements, caseload, visits, proposals (records) -------------------

# --- monthly reports --------------------------------------------------------------------------------

# --- coverage and performance -----------------------------------------------------------------------
