"""Loaded with ``-p`` before Django starts: test mode, and no silent skips under CI.

Under ``CI=true`` a skipped or expected-to-fail test fails the run, so a missing
browser or database cannot quietly turn a red suite green.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("STRIDE_ENV", "test")
os.environ.setdefault("STRIDE_DATA_DIR", str(ROOT / "var" / "test"))

_skipped: list[str] = []


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _in_ci() and _skipped and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _in_ci() and _skipped:
        terminalreporter.section("skipped tests fail the run under CI", red=True)
        for nodeid in _skipped:
            terminalreporter.write_line(f"SKIPPED (counts as a failure): {nodeid}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the tests written for the other database (deselected, not skipped)."""
    from django.conf import settings

    vendor = "sqlite" if "sqlite" in settings.DATABASES["default"]["ENGINE"] else "postgres"
    other = "postgres_only" if vendor == "sqlite" else "sqlite_only"
    keep = [item for item in items if other not in item.keywords]
    dropped = [item for item in items if other in item.keywords]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
