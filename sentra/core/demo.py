"""`sentra demo`, orchestrated from one place: each app contributes its step, and no domain's demo calls
another's.

An app registers its step from its AppConfig.ready() (`register_demo_step(DemoStep(...))`): regions
loads the reference data, the registry writes the real facts, generated IKM and sentra and the demo
logins, programmes a fiscal year of plans and budgets on top of them, and the domains to come
(coordination, facilitators…) add theirs after. Steps run in their `order`; each sees what the
earlier ones wrote in the database, never their code.

Each step draws from its own random stream, derived from the seed and the step's key
(`DemoContext.random()`, or its own names built from `seed` in the same way), never from a stream
another step consumed: adding, removing or changing one step leaves the data of the others as it
was for the same seed. Running the demo again writes nothing twice (each step checks what exists).
"""

from __future__ import annotations

import random
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

# The sizes every step understands; what a size means is each step's own business (the registry:
# ~2,000, ~50,000 or ~4.4 million IKM).
SIZES = ("small", "regional", "national")


@dataclass
class DemoReport:
    """What the steps did, for the command to print."""

    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unresolved: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    users: list[tuple[str, str, str]] = field(default_factory=list)  # persona, username, agency
    password: str = ""  # the demo logins' password (set by the step that creates them)


@dataclass
class DemoContext:
    size: str
    seed: int
    stdout: TextIO
    report: DemoReport
    step: str = ""

    def random(self) -> random.Random:
        """The running step's own reproducible stream: the seed and the step's key, nothing else."""
        return random.Random(f"{self.seed}:{self.step}")  # nosec B311 - reproducible demo data


@dataclass(frozen=True)
class DemoStep:
    #: The contributing app's label ("registry", "programmes"…).
    key: str
    #: The step: a callable taking the DemoContext, or its dotted path (imported when the demo runs).
    run: Callable[[DemoContext], None] | str
    #: When it runs, ascending: reference 10, registry 20, programmes 30, later domains after.
    order: int
    #: The report.created counts the command prints for this step, in order.
    counts: tuple[str, ...] = ()
    #: What a size means for this step, for the command's first line ("±2,000 IKM, ±60 sentra").
    describe: Callable[[str], str] | str | None = None


_STEPS: dict[str, DemoStep] = {}


def register_demo_step(step: DemoStep) -> DemoStep:
    existing = _STEPS.get(step.key)
    if existing is not None and existing != step:
        raise ImproperlyConfigured(f"Demo step {step.key!r} is already registered")
    _STEPS[step.key] = step
    return step


def unregister_demo_step(key: str) -> None:
    _STEPS.pop(key, None)


def demo_steps() -> list[DemoStep]:
    """The registered steps in the order they run."""
    return sorted(_STEPS.values(), key=lambda step: (step.order, step.key))


def _resolved(target):
    return import_string(target) if isinstance(target, str) else target


def demo_describe(size: str) -> str:
    """What the steps will write at this size, as the command announces it."""
    parts = [_resolved(step.describe)(size) for step in demo_steps() if step.describe]
    return ", ".join(part for part in parts if part)


def demo_counts() -> list[str]:
    """The names of report.created the command prints, step by step."""
    return [name for step in demo_steps() for name in step.counts]


def demo_run(*, size: str = "small", seed: int = 2026, stdout: TextIO | None = None) -> DemoReport:
    """Everything `sentra demo` does: every registered step, in order; safe to run again."""
    if size not in SIZES:
        raise ValueError(f"Unknown demo size {size!r}; use one of {SIZES}")
    context = DemoContext(size=size, seed=seed, stdout=stdout or sys.stdout, report=DemoReport())
    for step in demo_steps():
        context.step = step.key
        _resolved(step.run)(context)
    return context.report


# --- generic helpers every step may use -------------------------------------------------------------

FIRST_NAMES = [
    "Siti", "Sri", "Dewi", "Nur", "Ani", "Rina", "Wati", "Yuni", "Endang", "Sumiati", "Aminah",
    "Fatimah", "Rahmawati", "Lestari", "Ratna", "Budi", "Agus", "Slamet", "Joko", "Bambang",
    "Hendra", "Andi", "Rudi", "Wahyu", "Eko", "Dedi", "Ahmad", "Muhammad", "Yusuf", "Imam",
    "Hasan", "Made", "Ketut", "Nyoman", "Wayan", "Putu", "Yohanes", "Maria", "Daeng", "Teuku",
]  # fmt: skip
LAST_NAMES = [
    "Susanto", "Wijaya", "Hidayat", "Saputra", "Setiawan", "Kurniawan", "Pratama", "Santoso",
    "Nugroho", "Rahman", "Hakim", "Siregar", "Nasution", "Lubis", "Harahap", "Simanjuntak",
    "Sinaga", "Tanjung", "Manurung", "Gunawan", "Purnomo", "Wibowo", "Hartono", "Suryadi",
    "Rahayu", "Handayani", "Yulianti", "Mulyani", "Pangaribuan", "Daulay", "Pasaribu", "Ginting",
    "Tarigan", "Sembiring", "Nainggolan", "Latuconsina", "Mandagi", "Tambunan", "",
]  # fmt: skip


def person_name(rng: random.Random) -> str:
    """An Indonesian person's name drawn from `rng` (two draws, always: the stream stays aligned)."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}".strip()
