"""Live sync's rules (``app/core/live_policy.py``) with a hand-driven clock."""

from __future__ import annotations

from app.core import live_policy as live
from app.core import status
from app.core.backoff import Backoff
from app.core.live_policy import Hello, Ping, Poke, PullTimer, Slow, StreamPolicy


def policy(**kwargs: object) -> StreamPolicy:
    # random() = 1: every backoff waits its full ceiling (1, 2, 4... seconds), so times are exact.
    p = StreamPolicy(backoff=Backoff(base=1.0, cap=60.0, random=lambda: 1.0), **kwargs)  # type: ignore[arg-type]
    p.leader = p.signed_in = True
    return p


def test_events_are_parsed_and_anything_odd_is_ignored() -> None:
    assert live.parse_event("hello", '{"version": 4, "heartbeat": 15, "slow": 0}') == Hello(
        4, 15, 0
    )
    assert live.parse_event("poke", '{"version": 9, "by": "phone"}') == Poke(9, "phone")
    assert live.parse_event("poke", '{"version": 9, "by": null}') == Poke(9, None)
    assert live.parse_event("ping", "{}") == Ping()
    assert live.parse_event("slow", '{"wait": 5}') == Slow(5)
    assert live.parse_event("slow", '{"wait": 99999}') == Slow(300)  # never more than 5 minutes
    for kind, data in [
        ("poke", '{"version": -1}'),
        ("poke", '{"version": "9"}'),
        ("poke", '{"version": true}'),
        ("poke", "not json"),
        ("poke", "[1]"),
        ("slow", '{"wait": "soon"}'),
        ("mystery", '{"version": 1}'),
    ]:
        assert live.parse_event(kind, data) is None, (kind, data)


def test_a_poke_pulls_unless_it_is_this_devices_own_or_already_pulled() -> None:
    assert live.needs_pull(Poke(8, "laptop"), cursor=7, device_id="phone")
    assert not live.needs_pull(Poke(8, "phone"), cursor=7, device_id="phone")
    assert live.needs_pull(Poke(8, None), cursor=7, device_id="phone")  # merged: pull
    assert not live.needs_pull(Poke(7, "laptop"), cursor=7, device_id="phone")
    assert live.needs_pull(Hello(9, 15, 0), cursor=7, device_id="phone")  # missed while away
    assert not live.needs_pull(Hello(7, 15, 0), cursor=7, device_id="phone")


def test_a_burst_of_pokes_costs_one_pull_and_waits_at_most_a_second() -> None:
    timer = PullTimer(debounce=0.25, max_wait=1.0)
    assert timer.poke(100.0) == 0.25
    # Pokes every 0.125 s keep moving the one planned pull, until a second after the first.
    for n in range(1, 6):
        assert timer.poke(100.0 + 0.125 * n) == 0.25
    assert timer.poke(100.875) == 0.125  # the limit: a second after the first poke
    assert timer.due == 101.0
    assert timer.poke(100.9375) == 0.0625
    timer.fired()
    assert timer.poke(102.0) == 0.25  # a new burst


def test_when_the_server_is_busy_pulls_wait_as_long_as_it_asks() -> None:
    timer = PullTimer(debounce=0.15, max_wait=1.0)
    timer.slow = 5.0
    assert timer.poke(10.0) == 5.0


def test_the_stream_opens_for_the_leading_signed_in_online_tab_only() -> None:
    p = policy()
    assert p.check(0.0) == "open"
    p.leader = False
    assert p.check(0.0) is None
    p.leader, p.signed_in = True, False
    assert p.check(0.0) is None
    p.signed_in = True
    p.network(False, 0.0)
    assert p.check(0.0) is None  # offline: nothing is tried
    p.network(True, 1.0)
    assert p.check(1.0) == "open"


def test_a_broken_stream_reconnects_after_growing_delays_and_resets_on_hello() -> None:
    p = policy()
    p.opening(0.0)
    p.event(Hello(1, 15, 0), 0.1)
    assert p.live
    now = 10.0
    waits = []
    for _ in range(4):
        p.broke(now)
        assert not p.live and p.check(now) is None  # waits before retrying
        waits.append(p.retry_at - now)
        now = p.retry_at
        assert p.check(now) == "open"
        p.opening(now)
    assert waits == [1.0, 2.0, 4.0, 8.0]
    p.event(Hello(1, 15, 0), now)
    p.broke(now)
    assert p.retry_at - now == 1.0  # a hello proved it works: back to the shortest wait


def test_jitter_spreads_the_retries_of_devices_that_broke_together() -> None:
    draws = iter([0.1, 0.9])
    p = StreamPolicy(backoff=Backoff(base=1.0, cap=60.0, random=lambda: next(draws)))
    p.broke(0.0)
    first = p.retry_at
    p.broke(0.0)
    assert (first, p.retry_at) == (0.1, 1.8)


def test_a_stream_that_never_says_hello_is_buffered_and_polling_takes_over() -> None:
    p = policy(hello_timeout=10.0)
    p.opening(0.0)
    assert p.check(9.9) is None
    assert p.check(10.0) == "restart"
    assert not p.given_up
    now = p.retry_at
    assert p.check(now) == "open"
    p.opening(now)
    assert p.check(now + 10.0) == "restart"
    assert p.given_up  # twice buffered: stop trying; the periodic sync carries on
    assert p.check(now + 1000.0) is None


def test_a_silent_stream_is_dead_after_a_few_heartbeats() -> None:
    p = policy()
    p.opening(0.0)
    p.event(Hello(1, 15.0, 0), 0.5)
    p.event(Ping(), 15.5)
    assert p.check(15.5 + 37.0) is None
    assert p.check(15.5 + 37.5) == "restart"
    assert not p.given_up  # it worked before: not a buffering proxy


def test_a_page_hidden_for_long_closes_its_stream_and_reopens_on_return() -> None:
    p = policy(hidden_close=300.0)
    p.opening(0.0)
    p.event(Hello(1, 15, 0), 0.1)
    p.visibility(False, 10.0)
    p.event(Ping(), 300.0)
    assert p.check(309.9) is None
    assert p.check(310.0) == "close"
    p.closed()
    assert p.check(400.0) is None
    p.visibility(True, 500.0)
    assert p.check(500.0) == "open"


def test_live_is_shown_only_while_the_stream_is_up_and_all_is_synced() -> None:
    assert live.shows_live(status.SYNCED, True)
    assert not live.shows_live(status.SYNCED, False)
    assert not live.shows_live(status.OFFLINE, True)
    assert not live.shows_live(status.FAILED, True)
