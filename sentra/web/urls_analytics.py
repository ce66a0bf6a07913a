"""Analysis pages of part 6 (issue 17), in the `web` namespace at /analisis/. Each piece keeps its block."""

from django.urls import path  # noqa: F401 - the blocks below add their paths

urlpatterns: list = []

# --- leading potential: location quotient, shift-share -----------------------------------------------

# --- where a sentra fits ------------------------------------------------------------------------------

# --- overlapping activities and links -----------------------------------------------------------------

# --- training pathways ----------------------------------------------------------------------------------

# --- province and regency profile ---------------------------------------------------------------------
