"""Errors of the store. Each carries a German message a coach can act on."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Base class: something about the store prevents the operation.

    ``template`` and ``values``, where given, are the message before formatting, so that
    the layer above can show it in another language (``thekiz_tui.errors``)."""

    template: str | None = None
    values: dict[str, str]

    def __init__(self, message: str, template: str | None = None,
                 values: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.template = template
        self.values = values or {}

    def __str__(self) -> str:
        return self.message


class CorruptStore(StoreError):
    """A store file cannot be read. It is never overwritten."""

    def __init__(self, path: Path, reason: str, backup: Path | None = None) -> None:
        hint = (
            f" Die letzte gute Kopie liegt in {backup}."
            if backup is not None and backup.exists()
            else ""
        )
        super().__init__(
            f"Die Datenbank {path} ist beschädigt oder unlesbar ({reason}). "
            f"Sie wird nicht verändert.{hint}"
        )
        self.path = path
        self.backup = backup


class NewerSchema(StoreError):
    """The file was written by a newer thekiz."""

    def __init__(self, path: Path, found: int, known: int) -> None:
        super().__init__(
            f"Die Datenbank {path} hat das Schema {found}, diese thekiz-Version kennt nur "
            f"bis {known}. Bitte thekiz aktualisieren."
        )


class StoreWriteError(StoreError):
    """Writing failed (disk full, read-only, no permission). The old data is intact."""

    def __init__(self, path: Path, error: OSError) -> None:
        import errno

        reasons = {
            errno.ENOSPC: "kein Platz mehr auf dem Datenträger",
            errno.EDQUOT: "Speicherkontingent erschöpft",
            errno.EROFS: "das Dateisystem ist schreibgeschützt",
            errno.EACCES: "keine Schreibrechte",
            errno.EPERM: "keine Schreibrechte",
        }
        reason = reasons.get(error.errno or 0, error.strerror or str(error))
        super().__init__(
            f"Speichern in {path} fehlgeschlagen: {reason}. "
            "Die bisherigen Daten sind unverändert."
        )
        self.path = path
        self.errno = error.errno


class ForeignOwner(StoreError):
    """The store belongs to another account than the one thekiz runs as. Nothing was
    written."""

    def __init__(self, path: Path, owner: str, me: str, *, root: bool) -> None:
        how = (
            f" oder, wenn root das ausdrücklich soll, „thekiz --allow-foreign-owner …“ "
            f"(die Dateien gehören dann weiter „{owner}“)"
            if root
            else ""
        )
        super().__init__(
            f"Die Datenbank {path} gehört „{owner}“, thekiz läuft aber als „{me}“; "
            f"es wurde nichts geschrieben. Bitte als „{owner}“ starten "
            f"(z. B. „sudo -u {owner} thekiz …“){how}."
        )
        self.path = path
        self.owner = owner
        self.me = me


class StoreBusy(StoreError):
    """The write lock could not be taken in time."""

    def __init__(self, path: Path, seconds: float) -> None:
        super().__init__(
            f"Die Datenbank {path} ist seit {seconds:.0f} s von einem anderen Prozess gesperrt. "
            "Bitte gleich noch einmal versuchen."
        )


class NotFound(StoreError):
    """No record with that id."""

    def __init__(self, what: str, record_id: str) -> None:
        template = "{what} „{id}“ gibt es nicht."
        values = {"what": what, "id": record_id}
        super().__init__(template.format(**values), template, values)
        self.record_id = record_id


class AlreadyExists(StoreError):
    """A record with that id exists already."""

    def __init__(self, what: str, record_id: str) -> None:
        template = "{what} „{id}“ gibt es schon."
        values = {"what": what, "id": record_id}
        super().__init__(template.format(**values), template, values)
        self.record_id = record_id


class ChangedElsewhere(StoreError):
    """Optimistic concurrency: the record changed since it was read."""

    def __init__(self, what: str, record_id: str, expected: int, found: int | None) -> None:
        state = "gelöscht" if found is None else f"jetzt Version {found}"
        super().__init__(
            f"{what} „{record_id}“ wurde inzwischen anderswo geändert "
            f"(erwartet Version {expected}, {state}). Bitte neu laden und erneut ändern."
        )
        self.record_id = record_id
        self.expected = expected
        self.found = found


class NotPermitted(StoreError):
    """The person thekiz runs as (``--as``) may not see or change this (see
    ``thekiz_tui.planning.permissions``). Nothing was written."""
