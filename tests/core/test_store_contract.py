"""The Store contract (tests/contract/store_rules.py) kept by ``MemoryStore``.

The same checks run against the browser's IndexedDB store in tests/e2e/test_store_contract.py.
"""

from __future__ import annotations

import asyncio

import pytest

from app.core.memory_store import MemoryStore
from app.core.store import take_pulled
from tests.contract.store_rules import CHECKS


@pytest.mark.parametrize("rule", sorted(CHECKS))
def test_memory_store_keeps_the_store_contract(rule: str) -> None:
    asyncio.run(CHECKS[rule](MemoryStore()))


def test_take_pulled_rule() -> None:
    """Rules 1-2 as the pure function both stores apply (db.mjs transcribes it)."""
    local = {"version": 3}
    assert take_pulled(None, {"version": 1}, pending=False)
    assert take_pulled(local, {"version": 3}, pending=False)
    assert not take_pulled(local, {"version": 2}, pending=False)
    assert not take_pulled(local, {"version": 9}, pending=True)
    assert not take_pulled(None, {"version": 9}, pending=True)
