"""When the screen re-reads the device database, and when it shows what it read.

Every write (this tab's or another tab's) asks for a refresh; the browser coalesces them into one
loop of reads (``app/browser/ui.py`` runs it: wait a moment, read every table, maybe show):

1. A change that arrives while a sync runs waits for the sync's end: re-reading every table for
   each pulled page would compete with the sync for the one main thread.
2. A change that lands while a read is under way gets a read of its own, and what the first read
   found is not shown: it can be older than the screen already is (an action shows what it wrote
   at once), and showing it would take that back a moment.
3. Reads overtaken like that are dropped at most ``MAX_SKIPPED_READS`` times in a row, so a
   steady stream of changes (another tab importing) still shows progress.
"""

from __future__ import annotations

from typing import Literal

MAX_SKIPPED_READS = 5


class RefreshPlan:
    def __init__(self) -> None:
        self.waiting = False  # a change arrived during a sync (rule 1)
        self.again = False  # a change arrived since the last read started
        self.skipped = 0  # reads dropped in a row (rule 3)

    def request(self, syncing: bool) -> bool:
        """A change arrived.  True: the browser must make sure a refresh loop runs."""
        if syncing:
            self.waiting = True
            return False
        self.waiting = False
        self.again = True
        return True

    def next_read(self) -> bool:
        """The loop asks whether another read is due (and starts it)."""
        if not self.again:
            return False
        self.again = False
        return True

    def show(self) -> bool:
        """A read finished: show it (True), or drop it for the newer read that follows (rule 2)."""
        if self.again and self.skipped < MAX_SKIPPED_READS:
            self.skipped += 1
            return False
        self.skipped = 0
        return True

    def after_sync_update(self, busy: bool, view: str) -> Literal["refresh", "render"] | None:
        """The sync's status changed: what the screen does about it.

        During a sync only the status lines change; after it, the refresh that waited runs, and
        Settings (which shows the sync's facts) is drawn again.
        """
        if busy:
            return None
        if self.waiting:
            return "refresh"
        return "render" if view == "settings" else None
