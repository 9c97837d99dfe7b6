"""What survives a re-render: the text being typed, and where the cursor is.

A re-render replaces the screen's HTML.  Before it the browser reads every field of the screen
(``Field``); after it, ``values_to_restore`` says which of the new fields get back what the person
had typed.  Pickers and workout fields are left as rendered: pickers always show the screen's state
(date, exercise, chart), workout fields show the record or the draft typed (``Screen.drafts``).
File inputs are never touched (a browser refuses to set them); instead the very element is kept
(``kept_in_place``): its picker may be open while the screen redraws, and the file chosen then
arrives on that element.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

TAGS = ("INPUT", "SELECT", "TEXTAREA")


@dataclass(frozen=True)
class Field:
    id: str
    tag: str  # as the DOM spells it: INPUT, SELECT, TEXTAREA
    type: str  # the input's type ("text", "number", "file", ...)
    value: str
    bound: bool = False  # it has data-action or data-field: it shows the screen's state


def typed(fields: Iterable[Field]) -> dict[str, str]:
    """What the person had typed, by field id, before a re-render."""
    return {f.id: f.value for f in fields if f.id and f.tag in TAGS and f.type != "file"}


def values_to_restore(before: Mapping[str, str], after: Iterable[Field]) -> dict[str, str]:
    """The values to put back into the re-rendered fields, by field id."""
    return {
        f.id: before[f.id]
        for f in after
        if f.id in before and f.tag in TAGS and f.type != "file" and not f.bound
    }


def kept_in_place(before: Iterable[Field], after: Iterable[Field]) -> list[str]:
    """Ids of the file inputs whose element is carried into the re-rendered screen.

    A file picker stays open for seconds while a sync or a live change may redraw the screen. A
    new element in its place would receive nothing: the choice would be silently lost.
    """
    present = {f.id for f in after if f.tag == "INPUT" and f.type == "file"}
    return [f.id for f in before if f.tag == "INPUT" and f.type == "file" and f.id in present]
