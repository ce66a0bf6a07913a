"""Plans, budgets, realisation and budget-control figures (part 3)."""

from ninja import Router

router = Router(tags=["program dan anggaran"])
