"""Errors raised by havewemet.

The hierarchy::

    HaveWeMetError                 base of everything the library raises on purpose
    ├── InputError                 a file the user gave us cannot be read as what it claims to be
    │   ├── UnsupportedFormatError no importer recognises the file
    │   └── UnsafeArchiveError     a zip that is a bomb, or holds paths that escape it
    ├── StoreError                 the SQLite store cannot be opened or written
    ├── PolicyError                a policy file is invalid (names the line and the key)
    └── NotFoundError              a request, person or source that does not exist

Every message names the file (and line, where there is one) and says how to fix it.
Third-party exceptions (csv.Error, UnicodeDecodeError, zipfile.BadZipFile,
sqlite3.Error, ...) are converted to these at the boundary where they happen.
"""

from __future__ import annotations


class HaveWeMetError(Exception):
    """Base class for every error havewemet raises on purpose."""


class InputError(HaveWeMetError):
    """A file cannot be read; the message names the file, the line and the fix."""

    def __init__(self, file: str, message: str, *, line: int | None = None, fix: str = ""):
        self.file = file
        self.line = line
        self.fix = fix
        where = f"{file}, line {line}" if line else file
        text = f"{where}: {message}"
        if fix:
            text += f". {fix}"
        super().__init__(text)


class UnsupportedFormatError(InputError):
    """No importer recognises the file."""


class UnsafeArchiveError(InputError):
    """An archive that would escape its folder or expand without bound."""


class StoreError(HaveWeMetError):
    """The store cannot be opened or written."""


class PolicyError(HaveWeMetError):
    """A policy file is invalid."""


class NotFoundError(HaveWeMetError):
    """A request, person or source that does not exist."""
