"""Create the project's virtualenv, also on a Debian without python3-venv.

Debian splits ``ensurepip`` into the package python3-venv, so on a fresh machine
``python3 -m venv`` stops with "ensurepip is not available". In that case the
virtualenv is made without pip, and pip is bootstrapped from its own wheel on PyPI:
a pip wheel can run itself (``python pip.whl/pip install pip.whl``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import venv
from pathlib import Path


def _bootstrap_pip(python: Path) -> None:
    index = "https://pypi.org/pypi/pip/json"
    with urllib.request.urlopen(index, timeout=60) as answer:
        release = json.load(answer)
    wheel = next(u for u in release["urls"] if u["filename"].endswith(".whl"))
    url = urllib.parse.urljoin(index, wheel["url"])  # mirrors answer with relative links
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / wheel["filename"]
        with urllib.request.urlopen(url, timeout=120) as answer:
            target.write_bytes(answer.read())
        subprocess.run(
            [str(python), f"{target}/pip", "install", "--quiet", str(target)], check=True
        )


def main(path: str) -> int:
    where = Path(path)
    python = where / "bin" / "python"
    if python.exists() and (where / "bin" / "pip").exists():
        return 0
    try:
        venv.create(where, with_pip=True, clear=True)
    except (subprocess.CalledProcessError, SystemExit):
        print("ensurepip fehlt (Debian: python3-venv); pip wird von PyPI geholt …")
        venv.create(where, with_pip=False, clear=True)
        _bootstrap_pip(python)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ".venv"))
