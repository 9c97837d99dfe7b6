"""Reading a Lighthouse report: an audit Lighthouse could not finish is never read as a score."""

from __future__ import annotations

from typing import Any

import pytest

from bench.lighthouse import CATEGORIES, METRICS, Unfinished, _read


def report(**audits: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, dict[str, Any]] = {
        m: {"id": m, "numericValue": 120.0, "score": 1} for m in METRICS
    }
    found["color-contrast"] = {"id": "color-contrast", "score": 0, "scoreDisplayMode": "binary"}
    found.update(audits)
    categories: dict[str, dict[str, Any]] = {c: {"score": 0.97} for c in CATEGORIES}
    if "numericValue" not in found["total-blocking-time"]:
        categories["performance"]["score"] = None
    return {"categories": categories, "audits": found}


def test_a_finished_report_gives_scores_metrics_and_failed_audits() -> None:
    read = _read(report())
    assert read["scores"] == {"performance": 97, "accessibility": 97, "best-practices": 97}
    assert read["metrics"]["total-blocking-time"] == 120.0
    assert read["failed_audits"] == ["color-contrast"]


def test_an_unfinished_audit_fails_the_run_with_lighthouses_reason() -> None:
    broken = {"score": None, "errorMessage": "NO_LCP"}
    with pytest.raises(Unfinished, match="total-blocking-time: NO_LCP; performance: no score"):
        _read(report(**{"total-blocking-time": broken}))
