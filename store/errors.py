"""Errors of the store. Each carries a German message a coach can act on."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Base class: something about the store prevents the operation.

    ``template`` and ``values``, where given, are the message before formatting, so that
    the layer above can show it in another language (``thekiz_tui.errors``); the values
    named in ``words`` are the store's own German words (translated there too), the
    others a person's or the system's text (shown as they are)."""

    template: str | None = None
    values: dict[str, str]
    words: tuple[str, ...] = ("what",)

    def __init__(self, message: str, template: str | None = None,
                 values: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.template = template
        self.values = values or {}

    @property
    def message(self) -> str:
        return self._message

    @message.setter
    def message(self, text: str) -> None:
        # (a caller that words the message anew, ``planning.history``, replaces it whole:
        # the template no longer describes it)
        self._message = text
        self.template = None

    @classmethod
    def _from(cls, template: str, **values: object) -> tuple[str, str, dict[str, str]]:
        """The German message, its template and its values as text (for ``__init__``)."""
        text = {k: str(v) for k, v in values.items()}
        return template.format(**text), template, text

    def __str__(self) -> str:
        return self.message


class CorruptStore(StoreError):
    """A store file cannot be read. It is never overwritten.

    ``reason``: German words, optionally followed by ": " and the system's detail
    ("kein gültiges JSON: Expecting value …"); the words are translated above."""

    words = ("word",)

    def __init__(self, path: Path, reason: str, backup: Path | None = None) -> None:
        word, sep, detail = reason.partition(": ")
        template = ("Die Datenbank {path} ist beschädigt oder unlesbar ({word}{sep}{detail}). "
                    "Sie wird nicht verändert.")
        values: dict[str, object] = {"path": path, "word": word, "sep": sep, "detail": detail}
        if backup is not None and backup.exists():
            template += " Die letzte gute Kopie liegt in {backup}."
            values["backup"] = backup
        super().__init__(*self._from(template, **values))
        self.path = path
        self.backup = backup


class NewerSchema(StoreError):
    """The file was written by a newer thekiz."""

    def __init__(self, path: Path, found: int, known: int) -> None:
        super().__init__(*self._from(
            "Die Datenbank {path} hat das Schema {found}, diese thekiz-Version kennt nur "
            "bis {known}. Bitte thekiz aktualisieren.", path=path, found=found, known=known))


class StoreWriteError(StoreError):
    """Writing failed (disk full, read-only, no permission). The old data is intact."""

    words = ("reason",)

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
        super().__init__(*self._from(
            "Speichern in {path} fehlgeschlagen: {reason}. "
            "Die bisherigen Daten sind unverändert.", path=path, reason=reason))
        self.path = path
        self.errno = error.errno


class ForeignOwner(StoreError):
    """The store belongs to another account than the one thekiz runs as. Nothing was
    written."""

    def __init__(self, path: Path, owner: str, me: str, *, root: bool) -> None:
        template = ("Die Datenbank {path} gehört „{owner}“, thekiz läuft aber als „{me}“; "
                    "es wurde nichts geschrieben. Bitte als „{owner}“ starten "
                    "(z. B. „sudo -u {owner} thekiz …“).")
        if root:
            template = template.removesuffix(".") + (
                " oder, wenn root das ausdrücklich soll, „thekiz --allow-foreign-owner …“ "
                "(die Dateien gehören dann weiter „{owner}“).")
        super().__init__(*self._from(template, path=path, owner=owner, me=me))
        self.path = path
        self.owner = owner
        self.me = me


class StoreBusy(StoreError):
    """The write lock could not be taken in time."""

    def __init__(self, path: Path, seconds: float) -> None:
        super().__init__(*self._from(
            "Die Datenbank {path} ist seit {seconds} s von einem anderen Prozess gesperrt. "
            "Bitte gleich noch einmal versuchen.", path=path, seconds=f"{seconds:.0f}"))


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
        template = ("{what} „{id}“ wurde inzwischen anderswo geändert (erwartet Version "
                    "{expected}, gelöscht). Bitte neu laden und erneut ändern.")
        if found is not None:
            template = template.replace("gelöscht", "jetzt Version {found}")
        super().__init__(*self._from(template, what=what, id=record_id, expected=expected,
                                     found=found))
        self.record_id = record_id
        self.expected = expected
        self.found = found


class NotPermitted(StoreError):
    """The person thekiz runs as (``--as``) may not see or change this (see
    ``thekiz_tui.planning.permissions``). Nothing was written."""
