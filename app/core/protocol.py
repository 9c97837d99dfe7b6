"""The sync wire format, shared word for word by the browser and the server.

Both ends are Python: the browser's sync engine builds these messages and the server parses them
with the very same functions, so the two can never disagree on a field.  Every message is plain
JSON-able data; ``parse_*`` functions turn untrusted JSON into dataclasses or raise
``ProtocolError`` with a sentence a person can read.

Pull (``GET /api/sync?since=<cursor>&limit=<n>``)
    answer: ``{"schemaVersion", "changes": [record...], "cursor": int, "hasMore": bool,
    "epoch": str, "accountVersion": int, "limits": {"maxPushBytes": int,
    "maxPushMutations": int}, "horizon": int}``
    Each change is a whole record of the schema envelope plus ``"table"``.  ``cursor`` is the
    highest server version included; the client asks again with it until ``hasMore`` is false.
    ``epoch`` names the server's database (it changes when the database is restored from a
    backup); ``accountVersion`` is the account's latest version: a cursor above it means the
    server lost changes this device saw.  Either one starts a recovery sync (see
    docs/sync-protocol.md).  ``limits`` says how big a push the server takes.  ``horizon`` is
    the oldest cursor the server still serves incrementally (older tombstones are pruned): a
    device that asked with a non-zero cursor below it pulls everything again.

Push (``POST /api/sync``)
    body: ``{"schemaVersion", "deviceId", "mutations": [mutation...]}``
    answer: ``{"schemaVersion", "results": [result...], "conflicts": [record...]}``, one result
    per mutation, in order, each with the server's resulting ``record``; ``conflicts`` are the
    whole conflict records this push made, as a pull would bring them.

A mutation is one local change: ``{"mutationId", "table", "id", "kind", "baseVersion",
"fields", "clientTime"}`` with ``kind`` one of ``put`` (create or edit the named fields),
``delete`` (tombstone), ``restore`` (undelete with the given fields, a person's explicit choice
from the Conflicts list) or ``recover`` (a recovery sync re-sending the device's whole copy of a
record the server may have lost).  ``baseVersion`` is the server version the device had when the
edit was made (0 for a record the server has never seen): the server uses it to tell a clean edit
from a conflicting one.  ``mutationId`` makes a retried push harmless.  Old clients ignore the
answer keys they do not know; old answers without them still parse (fields have defaults).

Every request also carries the client's schema version in the ``X-Setflow-Schema`` header; a
server that cannot serve it answers 426.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.schema import (
    CONFLICTS,
    SCHEMA_VERSION,
    TABLES,
    ValidationError,
    check_device_id,
    check_fields,
    get_table,
    is_count,
    is_uuid,
)

SCHEMA_HEADER = "X-Setflow-Schema"
SYNC_PATH = "/api/sync"

# Batch sizes: a pull page and a push batch.  The server caps what a client may ask for.
PULL_LIMIT = 5000
PULL_LIMIT_MAX = 5000
PUSH_BATCH = 1000
PUSH_BATCH_MAX = 1000
# The server's default body limit, and the room a client leaves under it: the pull answer's
# ``maxPushBytes`` is the server's limit minus this headroom (see ``push_limits``).
MAX_BODY_DEFAULT = 5 * 1024 * 1024
PUSH_BYTES_HEADROOM = 64 * 1024

MUTATION_KINDS = ("put", "delete", "restore", "recover")

# Result statuses of a pushed mutation.
APPLIED = "applied"  # taken as is
MERGED = "merged"  # taken, merged field by field with changes made elsewhere
CONFLICT = "conflict"  # (part of) it lost; the losing values are kept in a conflict record
DUPLICATE = "duplicate"  # seen before (a retry); nothing changed twice
STATUSES = (APPLIED, MERGED, CONFLICT, DUPLICATE)


class ProtocolError(ValueError):
    """A message does not follow the protocol; the text says what is wrong."""


@dataclass
class Mutation:
    mutation_id: str
    table: str
    id: str
    kind: str
    base_version: int
    fields: dict[str, Any] = field(default_factory=dict)
    client_time: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "mutationId": self.mutation_id,
            "table": self.table,
            "id": self.id,
            "kind": self.kind,
            "baseVersion": self.base_version,
            "fields": self.fields,
            "clientTime": self.client_time,
        }


@dataclass
class PushRequest:
    device_id: str
    mutations: list[Mutation]
    schema_version: int = SCHEMA_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "schemaVersion": self.schema_version,
            "deviceId": self.device_id,
            "mutations": [m.to_json() for m in self.mutations],
        }


@dataclass
class MutationResult:
    mutation_id: str
    status: str
    version: int
    # The server's record after this mutation (whole envelope + "table"), so the device can
    # take the merged state at once instead of waiting for its next pull.
    record: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "mutationId": self.mutation_id,
            "status": self.status,
            "version": self.version,
            "record": self.record,
        }


@dataclass
class PushResponse:
    results: list[MutationResult]
    schema_version: int = SCHEMA_VERSION
    # The whole conflict records this push made ("table": "conflicts"), so the device shows
    # what lost after this same sync instead of the next pull.
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    # The database that answered (as in a pull answer): a device that sees another epoch than
    # its own pushed to a restored server, and recovers before it takes any of these records.
    epoch: str | None = None

    def to_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "schemaVersion": self.schema_version,
            "results": [r.to_json() for r in self.results],
            "conflicts": self.conflicts,
        }
        if self.epoch is not None:
            answer["epoch"] = self.epoch
        return answer


@dataclass(frozen=True)
class PushLimits:
    """How big a push the server takes: bytes of the JSON body, and mutations per push."""

    max_push_bytes: int = MAX_BODY_DEFAULT - PUSH_BYTES_HEADROOM
    max_push_mutations: int = PUSH_BATCH_MAX

    def to_json(self) -> dict[str, Any]:
        return {
            "maxPushBytes": self.max_push_bytes,
            "maxPushMutations": self.max_push_mutations,
        }


def push_limits(max_body: int, max_mutations: int) -> PushLimits:
    """The limits a server with body limit ``max_body`` advertises: the limit minus headroom
    (never less than half of it), so a client that sizes a batch by its own count of bytes stays
    under the limit however the server counts."""
    headroom = min(PUSH_BYTES_HEADROOM, max_body // 2)
    return PushLimits(max_body - headroom, max_mutations)


@dataclass
class PullResponse:
    changes: list[dict[str, Any]]
    cursor: int
    has_more: bool
    schema_version: int = SCHEMA_VERSION
    # The server database's identity; "" from a server that does not say.
    epoch: str = ""
    # The account's latest version; None from a server that does not say.  Below the ``since``
    # a device asked with: the server lost changes that device saw (restored from a backup).
    account_version: int | None = None
    limits: PushLimits = field(default_factory=PushLimits)
    # The oldest cursor the server can still serve incrementally: deletes at or below it may
    # have been pruned.  A device that pulled with a lower, non-zero cursor pulls everything.
    horizon: int = 0

    def to_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "schemaVersion": self.schema_version,
            "changes": self.changes,
            "cursor": self.cursor,
            "hasMore": self.has_more,
            "epoch": self.epoch,
            "limits": self.limits.to_json(),
            "horizon": self.horizon,
        }
        if self.account_version is not None:
            answer["accountVersion"] = self.account_version
        return answer

    def behind_horizon(self, since: int) -> bool:
        """True when a pull with ``since`` may have missed deletes the server has pruned."""
        return 0 < since < self.horizon

    def server_lost_changes(self, since: int) -> bool:
        """True when this answer shows the server behind a device that pulled with ``since``."""
        return self.account_version is not None and self.account_version < since


def _require(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in obj:
        raise ProtocolError(f"{where} is missing {key!r}.")
    value = obj[key]
    if isinstance(value, bool) and kind is int:
        raise ProtocolError(f"{where}: {key!r} must be a whole number.")
    if not isinstance(value, kind):
        raise ProtocolError(f"{where}: {key!r} has the wrong type.")
    return value


def _check_keys(obj: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise ProtocolError(f"{where} has unknown field(s): {', '.join(unknown)}.")


def parse_mutation(obj: Any, index: int = 0) -> Mutation:
    where = f"Mutation {index}"
    if not isinstance(obj, dict):
        raise ProtocolError(f"{where} must be an object.")
    _check_keys(
        obj,
        {"mutationId", "table", "id", "kind", "baseVersion", "fields", "clientTime"},
        where,
    )
    mutation_id = _require(obj, "mutationId", str, where)
    record_id = _require(obj, "id", str, where)
    if not is_uuid(mutation_id) or not is_uuid(record_id):
        raise ProtocolError(f"{where}: mutationId and id must be UUIDs.")
    kind = _require(obj, "kind", str, where)
    if kind not in MUTATION_KINDS:
        raise ProtocolError(f"{where}: kind must be one of {', '.join(MUTATION_KINDS)}.")
    base_version = _require(obj, "baseVersion", int, where)
    if not is_count(base_version):
        raise ProtocolError(f"{where}: baseVersion must be a whole number from 0 below 2**53.")
    fields = obj.get("fields", {})
    if not isinstance(fields, dict):
        raise ProtocolError(f"{where}: fields must be an object.")
    client_time = obj.get("clientTime", 0)
    if not is_count(client_time):
        raise ProtocolError(
            f"{where}: clientTime must be a whole number of milliseconds from 0 below 2**53."
        )
    try:
        table = get_table(_require(obj, "table", str, where))
        # A new record (put on base 0) and a recovered copy must arrive whole; an edit may
        # name some fields.
        whole = (kind == "put" and base_version == 0) or kind == "recover"
        check_fields(table, fields, partial=not whole)
    except ValidationError as err:
        raise ProtocolError(f"{where}: {err}") from None
    return Mutation(mutation_id, table.name, record_id, kind, base_version, fields, client_time)


def parse_push_request(obj: Any, *, max_mutations: int = PUSH_BATCH_MAX) -> PushRequest:
    if not isinstance(obj, dict):
        raise ProtocolError("The push body must be a JSON object.")
    _check_keys(obj, {"schemaVersion", "deviceId", "mutations"}, "The push body")
    schema_version = _require(obj, "schemaVersion", int, "The push body")
    device_id = _require(obj, "deviceId", str, "The push body")
    try:
        check_device_id(device_id)
    except ValidationError as err:
        raise ProtocolError(f"The push body: {err}") from None
    raw = _require(obj, "mutations", list, "The push body")
    if len(raw) > max_mutations:
        raise ProtocolError(f"A push may hold at most {max_mutations} mutations.")
    mutations = [parse_mutation(m, i) for i, m in enumerate(raw)]
    return PushRequest(device_id, mutations, schema_version)


def _check_record_shape(record: Any, what: str) -> None:
    """A record from the server: an object naming a known table, with an id and a version."""
    if not isinstance(record, dict) or record.get("table") not in TABLES:
        raise ProtocolError(f"{what} names no known table.")
    version = record.get("version")
    if not isinstance(record.get("id"), str) or not is_count(version):
        raise ProtocolError(f"{what} has no id or version.")


def parse_push_response(obj: Any) -> PushResponse:
    if not isinstance(obj, dict) or not isinstance(obj.get("results"), list):
        raise ProtocolError("The push answer must hold a list of results.")
    results = []
    for raw in obj["results"]:
        if not isinstance(raw, dict) or raw.get("status") not in STATUSES:
            raise ProtocolError("A push result is malformed.")
        record = raw.get("record")
        if record is not None:
            _check_record_shape(record, "A push result's record")
        results.append(
            MutationResult(
                _require(raw, "mutationId", str, "A push result"),
                raw["status"],
                _require(raw, "version", int, "A push result"),
                record,
            )
        )
    conflicts = obj.get("conflicts", [])
    if not isinstance(conflicts, list):
        raise ProtocolError("The push answer's conflicts must be a list.")
    for conflict in conflicts:
        _check_record_shape(conflict, "A conflict in the push answer")
        if conflict["table"] != CONFLICTS.name:
            raise ProtocolError("A conflict in the push answer is not a conflict record.")
    epoch = obj.get("epoch")
    if epoch is not None and not isinstance(epoch, str):
        raise ProtocolError("The push answer's epoch must be text.")
    return PushResponse(results, obj.get("schemaVersion", SCHEMA_VERSION), conflicts, epoch)


def _parse_limits(obj: Any) -> PushLimits:
    if obj is None:
        return PushLimits()
    if not isinstance(obj, dict):
        raise ProtocolError("The pull answer's limits must be an object.")
    max_bytes = _require(obj, "maxPushBytes", int, "The pull answer's limits")
    max_mutations = _require(obj, "maxPushMutations", int, "The pull answer's limits")
    if max_bytes < 1 or max_mutations < 1:
        raise ProtocolError("The pull answer's limits must be positive.")
    return PushLimits(max_bytes, max_mutations)


def parse_pull_response(obj: Any) -> PullResponse:
    if not isinstance(obj, dict):
        raise ProtocolError("The pull answer must be a JSON object.")
    changes = _require(obj, "changes", list, "The pull answer")
    cursor = _require(obj, "cursor", int, "The pull answer")
    has_more = _require(obj, "hasMore", bool, "The pull answer")
    for change in changes:
        if not isinstance(change, dict) or change.get("table") not in TABLES:
            raise ProtocolError("A pulled change names no known table.")
    epoch = obj.get("epoch", "")
    if not isinstance(epoch, str):
        raise ProtocolError("The pull answer's epoch must be text.")
    account_version = obj.get("accountVersion")
    if account_version is not None and not is_count(account_version):
        raise ProtocolError("The pull answer's accountVersion must be a whole number.")
    horizon = obj.get("horizon", 0)
    if not is_count(horizon):
        raise ProtocolError("The pull answer's horizon must be a whole number.")
    return PullResponse(
        changes,
        cursor,
        has_more,
        obj.get("schemaVersion", SCHEMA_VERSION),
        epoch,
        account_version,
        _parse_limits(obj.get("limits")),
        horizon,
    )


def whole_number(value: str, max_digits: int) -> int | None:
    """``value`` as a non-negative whole number written in ASCII digits only, else None.

    ``str.isdigit`` also accepts "²", "①" or "١" (and ``int()`` reads some of those), so a
    header or query parameter is checked digit by digit here, in one place for both ends.
    """
    if not value or len(value) > max_digits or not value.isascii() or not value.isdigit():
        return None
    return int(value)


def parse_schema_header(value: str | None) -> int | None:
    """The ``X-Setflow-Schema`` header: None when absent; ProtocolError when not a number."""
    if value is None:
        return None
    number = whole_number(value.strip(), 9)
    if number is None:
        raise ProtocolError(f"{SCHEMA_HEADER} must be a number.")
    return number


def parse_cursor(value: str | None) -> int:
    """The ``since`` query parameter: a non-negative whole number, 0 when absent."""
    if value is None or value == "":
        return 0
    number = whole_number(value, 18)
    if number is None:
        raise ProtocolError("since must be a non-negative whole number.")
    return number


def parse_limit(value: str | None) -> int:
    if value is None or value == "":
        return PULL_LIMIT
    number = whole_number(value, 6)
    if number is None:
        raise ProtocolError("limit must be a positive whole number.")
    return max(1, min(number, PULL_LIMIT_MAX))
