"""Registering havewemet as the extension's native messaging host (issue 17).

A browser finds a native messaging host by a JSON manifest named ``<host>.json`` in a
folder of its own (per user, per browser); the manifest names the program to start
and the only extension allowed to start it. :func:`install_host` writes that manifest
and, beside it, the program: a small launcher that runs this Python with
``-m havewemet.extension.host --db STORE`` (the store the CLI uses at install time,
so the browser, which does not see the shell's ``HAVEWEMET_DB``, reads the same one).

Folders (user level; the system-wide ones need root and are not written):

========  ==============================================  ==========================
browser   Linux                                           macOS
========  ==============================================  ==========================
chromium  ~/.config/chromium/NativeMessagingHosts         ~/Library/Application
                                                          Support/Chromium/...
chrome    ~/.config/google-chrome/NativeMessagingHosts    .../Google/Chrome/...
edge      ~/.config/microsoft-edge/NativeMessagingHosts   .../Microsoft Edge/...
brave     ~/.config/BraveSoftware/Brave-Browser/...       .../BraveSoftware/...
firefox   ~/.mozilla/native-messaging-hosts               .../Mozilla/NativeMessagingHosts
========  ==============================================  ==========================

A browser started with ``--user-data-dir DIR`` also reads ``DIR/NativeMessagingHosts``
(``--profile-dir DIR`` here). Windows keeps the manifest's path in the registry:
not supported yet (the error says so).
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from havewemet.errors import HaveWeMetError

#: The host's name, as the extension's ``connectNative`` gives it.
HOST_NAME = "havewemet"
#: The extension's id in Chromium browsers: the first 32 hex digits of the SHA-256 of
#: the public key in ``browser/manifest.json`` (``key``), each digit 0-f written a-p.
EXTENSION_ID = "dkmdcbhgkblmioakpiejcadcdaopjpmd"
#: The extension's id in Firefox (``browser_specific_settings.gecko.id``).
GECKO_ID = "extension@havewemet.invalid"

Browser = Literal["chromium", "chrome", "edge", "brave", "firefox"]
BROWSERS: tuple[str, ...] = ("chromium", "chrome", "edge", "brave", "firefox")

_LINUX = {
    "chromium": ".config/chromium/NativeMessagingHosts",
    "chrome": ".config/google-chrome/NativeMessagingHosts",
    "edge": ".config/microsoft-edge/NativeMessagingHosts",
    "brave": ".config/BraveSoftware/Brave-Browser/NativeMessagingHosts",
    "firefox": ".mozilla/native-messaging-hosts",
}
_MACOS = {
    "chromium": "Library/Application Support/Chromium/NativeMessagingHosts",
    "chrome": "Library/Application Support/Google/Chrome/NativeMessagingHosts",
    "edge": "Library/Application Support/Microsoft Edge/NativeMessagingHosts",
    "brave": "Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts",
    "firefox": "Library/Application Support/Mozilla/NativeMessagingHosts",
}


def extension_dir() -> Path:
    """The folder to load unpacked (``chrome://extensions``, *Load unpacked*)."""
    return Path(__file__).resolve().parent / "browser"


def extension_id_of(public_key_b64: str) -> str:
    """The Chromium extension id a manifest ``key`` (base64 DER public key) gives.

    Examples:
        >>> len(extension_id_of("AAAA"))
        32
    """
    import base64
    import hashlib

    digest = hashlib.sha256(base64.b64decode(public_key_b64)).hexdigest()[:32]
    return "".join(chr(ord("a") + int(c, 16)) for c in digest)


def hosts_dir(browser: str, *, profile_dir: Path | None = None, home: Path | None = None) -> Path:
    """The folder where ``browser`` looks for native messaging hosts."""
    if browser not in BROWSERS:
        raise HaveWeMetError(f"unknown browser {browser!r}; use one of: {', '.join(BROWSERS)}")
    if profile_dir is not None:
        if browser == "firefox":
            raise HaveWeMetError(
                "Firefox reads native hosts only from ~/.mozilla/native-messaging-hosts: "
                "drop --profile-dir for --browser firefox"
            )
        return Path(profile_dir).expanduser() / "NativeMessagingHosts"
    home = home or Path.home()
    if sys.platform == "darwin":
        return home / _MACOS[browser]
    if sys.platform.startswith("win"):
        raise HaveWeMetError(
            "on Windows the host is registered in the registry, which havewemet does not "
            "write yet: give --profile-dir DIR for a browser started with --user-data-dir DIR"
        )
    return home / _LINUX[browser]


@dataclass(frozen=True, slots=True)
class Installed:
    """What :func:`install_host` wrote."""

    manifest: Path
    launcher: Path
    db: Path
    allowed: str


def install_host(
    browser: str = "chromium",
    *,
    db: Path,
    profile_dir: Path | None = None,
    home: Path | None = None,
    python: str | None = None,
) -> Installed:
    """Write the host manifest and its launcher for ``browser``; returns what it wrote.

    Writing again replaces both (after ``pip install --upgrade`` or to change ``db``).
    """
    folder = hosts_dir(browser, profile_dir=profile_dir, home=home)
    folder.mkdir(parents=True, exist_ok=True)
    launcher = folder / f"{HOST_NAME}-host"
    db = Path(db).expanduser().resolve()
    command = [python or sys.executable, "-m", "havewemet.extension.host", "--db", str(db)]
    launcher.write_text(
        "#!/bin/sh\n"
        "# havewemet's native messaging host, written by `havewemet extension install`.\n"
        + _source_path()
        + f'exec {" ".join(shlex.quote(c) for c in command)} "$@"\n',
        encoding="utf-8",
    )
    launcher.chmod(0o755)
    manifest: dict[str, object] = {
        "name": HOST_NAME,
        "description": "havewemet: have we met? Verdicts on your own data, locally",
        "path": str(launcher),
        "type": "stdio",
    }
    if browser == "firefox":
        manifest["allowed_extensions"] = [GECKO_ID]
        allowed = GECKO_ID
    else:
        allowed = f"chrome-extension://{EXTENSION_ID}/"
        manifest["allowed_origins"] = [allowed]
    path = folder / f"{HOST_NAME}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return Installed(path, launcher, db, allowed)


def _source_path() -> str:
    """For havewemet run from a source tree (an editable install), a line that puts
    that tree first: the browser starts the host from another folder, where another
    havewemet on the path could answer instead of the one that installed it."""
    import site

    root = Path(__file__).resolve().parents[2]
    installed = {Path(p).resolve() for p in [*site.getsitepackages(), site.getusersitepackages()]}
    if root in installed:
        return ""
    quoted = shlex.quote(str(root))
    return f'PYTHONPATH={quoted}"${{PYTHONPATH:+:$PYTHONPATH}}"\nexport PYTHONPATH\n'


def uninstall_host(
    browser: str = "chromium", *, profile_dir: Path | None = None, home: Path | None = None
) -> list[Path]:
    """Remove the host manifest and launcher for ``browser``; returns what was removed."""
    folder = hosts_dir(browser, profile_dir=profile_dir, home=home)
    removed = []
    for p in (folder / f"{HOST_NAME}.json", folder / f"{HOST_NAME}-host"):
        if p.exists():
            p.unlink()
            removed.append(p)
    return removed
