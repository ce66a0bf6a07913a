"""`sentra demo` is orchestrated from one place (core.demo): each app registers its step, the steps run in
their order, and each draws from its own stream, so one step's data never depends on another's."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from sentra.core import demo
from sentra.core.demo import DemoContext, DemoStep, demo_run, demo_steps, register_demo_step


def test_the_apps_register_their_steps_in_order():
    keys = [step.key for step in demo_steps()]
    assert keys[:3] == ["regions", "registry", "programmes"]


@pytest.fixture
def only(monkeypatch):
    """Replace the registered steps by the given ones for one test."""

    def install(*steps: DemoStep) -> None:
        monkeypatch.setattr(demo, "_STEPS", {step.key: step for step in steps})

    return install


def drawing(log: list, key: str):
    def run(context: DemoContext) -> None:
        log.append((key, [context.random().random() for _ in range(3)]))
        context.report.created[key] += 1

    return run


def test_steps_run_by_order_not_by_registration(only):
    log: list = []
    only(
        DemoStep(key="programmes", run=drawing(log, "programmes"), order=30),
        DemoStep(key="regions", run=drawing(log, "regions"), order=10),
        DemoStep(key="registry", run=drawing(log, "registry"), order=20),
    )
    demo_run(size="small", seed=7, stdout=StringIO())
    assert [key for key, _numbers in log] == ["regions", "registry", "programmes"]


def test_a_steps_stream_depends_on_the_seed_and_its_key_only(only):
    """Adding a step before another (coordination before programmes, say) leaves the other's data as
    it was for the same seed; another seed gives other data."""
    alone: list = []
    only(DemoStep(key="programmes", run=drawing(alone, "programmes"), order=30))
    demo_run(seed=7, stdout=StringIO())
    with_another: list = []
    only(
        DemoStep(key="coordination", run=drawing(with_another, "coordination"), order=25),
        DemoStep(key="programmes", run=drawing(with_another, "programmes"), order=30),
    )
    demo_run(seed=7, stdout=StringIO())
    assert dict(with_another)["programmes"] == dict(alone)["programmes"]
    assert dict(with_another)["coordination"] != dict(alone)["programmes"]
    other_seed: list = []
    only(DemoStep(key="programmes", run=drawing(other_seed, "programmes"), order=30))
    demo_run(seed=8, stdout=StringIO())
    assert other_seed != alone


def test_a_step_key_belongs_to_one_registration(only):
    step = DemoStep(key="notes", run=drawing([], "notes"), order=40)
    only(step)
    register_demo_step(step)  # the same registration again is harmless
    with pytest.raises(ImproperlyConfigured):
        register_demo_step(DemoStep(key="notes", run=drawing([], "other"), order=41))


def test_the_command_prints_what_the_steps_declare(only):
    def users(context: DemoContext) -> None:
        context.report.created["users"] += 2
        context.report.password = "rahasia"
        context.report.users.append(("Dinas", "dinas.ppu", "Disperindag PPU"))

    only(
        DemoStep(
            key="registry", run=users, order=20, counts=("users",), describe=lambda size: f"±{size} IKM"
        ),
        DemoStep(key="programmes", run=drawing([], "programmes"), order=30, counts=("programmes",)),
    )
    out = StringIO()
    call_command("demo", "--size", "regional", "--seed", "3", stdout=out)
    text = out.getvalue()
    assert text.startswith("Data contoh 'regional' (±regional IKM), seed 3…")
    assert "  users: 2\n" in text and "  programmes: 1\n" in text
    assert "Akun demo (kata sandi rahasia):" in text and "dinas.ppu / rahasia → Disperindag PPU" in text


def test_an_unknown_size_is_refused_before_any_step_runs(only):
    log: list = []
    only(DemoStep(key="registry", run=drawing(log, "registry"), order=20))
    with pytest.raises(ValueError):
        demo_run(size="huge", stdout=StringIO())
    assert log == []
