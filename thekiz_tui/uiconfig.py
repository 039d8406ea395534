"""The planner's own settings file: language and remapped keys.

``config.toml`` in ``platformdirs.user_config_dir("thekiz")``, or the file named by
``THEKIZ_CONFIG``::

    lang = "en"

    [keys]
    "thekiz.kitas" = "i"          # binding id = key(s), comma-separated
    "thekiz.new" = "n,ctrl+n"

Binding ids are listed in the help screen (``?``). A broken file is a German error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .planning.timeutil import BadInput

ENV_CONFIG = "THEKIZ_CONFIG"


def config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    chosen = env.get(ENV_CONFIG, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("thekiz")) / "config.toml"


@dataclass(frozen=True, slots=True)
class UiConfig:
    lang: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    path: Path | None = None


def load_ui_config(env: Mapping[str, str] | None = None) -> UiConfig:
    from .keys import BY_ID

    path = config_path(env)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return UiConfig(path=path)
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"Die Einstellungsdatei {path} lässt sich nicht lesen: {error}") from None
    if not text.strip():  # (an empty file: nothing to parse, and tomllib not to import)
        return UiConfig(path=path)
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BadInput(f"Die Einstellungsdatei {path} ist fehlerhaft: {error}") from None
    lang = data.get("lang")
    if lang is not None and lang not in ("de", "en"):
        raise BadInput(f"{path}: lang muss \"de\" oder \"en\" sein, nicht {lang!r}.")
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise BadInput(f"{path}: [keys] muss eine Tabelle sein (Aktions-ID = Taste).")
    keymap: dict[str, str] = {}
    for binding_id, value in keys.items():
        if binding_id not in BY_ID and not binding_id.startswith("thekiz."):
            raise BadInput(f"{path}: unbekannte Aktion {binding_id!r} in [keys] "
                           "(die IDs zeigt die Hilfe, Taste ?).")
        if not isinstance(value, str) or not value.strip():
            raise BadInput(f"{path}: die Taste für {binding_id!r} muss ein Text sein, "
                           "z. B. \"ctrl+n\".")
        keymap[binding_id] = value.strip()
    return UiConfig(lang=lang, keymap=keymap, path=path)
