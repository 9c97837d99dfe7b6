"""What a re-render keeps of what the person typed (app/js/fields.mjs, run here under Node).

The page applies each render the app's worker sends; these are the rules it follows.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

FIELDS_JS = Path(__file__).parents[2] / "app" / "js" / "fields.mjs"
CALL = (
    f"import * as rule from {json.dumps(FIELDS_JS.as_uri())};"
    "const [name, args] = JSON.parse(process.argv[1]);"
    "console.log(JSON.stringify(rule[name](...args)));"
)


@dataclass(frozen=True)
class Field:
    id: str
    tag: str  # as the DOM spells it: INPUT, SELECT, TEXTAREA
    type: str  # the input's type ("text", "number", "file", ...)
    value: str
    bound: bool = False  # it has data-action or data-field: it shows the screen's state


def _js(name: str, *args: Any) -> Any:
    plain = [[asdict(f) for f in a] if isinstance(a, list) else a for a in args]
    done = subprocess.run(
        ["node", "--input-type=module", "-e", CALL, json.dumps([name, plain])],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def typed(fields: list[Field]) -> dict[str, str]:
    return dict(_js("typed", fields))


def values_to_restore(before: dict[str, str], after: list[Field]) -> dict[str, str]:
    return dict(_js("valuesToRestore", before, after))


def kept_in_place(before: list[Field], after: list[Field]) -> list[str]:
    return list(_js("keptInPlace", before, after))


def test_text_typed_into_a_form_survives_a_re_render() -> None:
    before = typed([Field("exercise-name", "INPUT", "text", "Front sq")])
    after = [Field("exercise-name", "INPUT", "text", "")]
    assert values_to_restore(before, after) == {"exercise-name": "Front sq"}


def test_pickers_and_workout_fields_show_the_screen_state_not_the_old_text() -> None:
    before = typed(
        [
            Field("log-date", "INPUT", "date", "2026-01-01"),
            Field("weight-s1", "INPUT", "text", "100"),
        ]
    )
    after = [
        Field("log-date", "INPUT", "date", "2026-02-02", bound=True),  # data-action
        Field("weight-s1", "INPUT", "text", "102.5", bound=True),  # data-field
    ]
    assert values_to_restore(before, after) == {}


def test_file_inputs_and_fields_without_an_id_are_never_touched() -> None:
    before = typed(
        [
            Field("import-file", "INPUT", "file", "C:\\fakepath\\a.csv"),
            Field("", "INPUT", "text", "x"),
        ]
    )
    assert before == {}
    assert (
        values_to_restore({"import-file": "a.csv"}, [Field("import-file", "INPUT", "file", "")])
        == {}
    )


def test_a_field_gone_from_the_new_screen_is_not_restored() -> None:
    before = typed([Field("rename-e1", "INPUT", "text", "Bench")])
    assert values_to_restore(before, [Field("program-name", "INPUT", "text", "")]) == {}


def test_selects_and_text_areas_keep_their_value_too() -> None:
    before = typed(
        [
            Field("group", "SELECT", "select-one", "Legs"),
            Field("note", "TEXTAREA", "textarea", "felt easy"),
        ]
    )
    after = [
        Field("group", "SELECT", "select-one", "Chest"),
        Field("note", "TEXTAREA", "textarea", ""),
    ]
    assert values_to_restore(before, after) == {"group": "Legs", "note": "felt easy"}


def test_a_file_picker_is_carried_into_the_redrawn_screen() -> None:
    before = [
        Field("import-file", "INPUT", "file", ""),
        Field("email", "INPUT", "email", "me@example.com"),
        Field("gone-file", "INPUT", "file", ""),
    ]
    after = [Field("import-file", "INPUT", "file", ""), Field("email", "INPUT", "email", "")]
    assert kept_in_place(before, after) == ["import-file"]
