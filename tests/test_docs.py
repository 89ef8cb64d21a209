"""Docs are tested: every command is documented, the reference is current, the
README's commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from havewemet.cli.reference import command_paths, reference

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_current():
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == reference(), (
        "docs/cli.md is out of date: run `python -m havewemet.cli.reference > docs/cli.md`"
    )


def test_every_command_is_in_the_reference():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for path in command_paths():
        assert f"## havewemet {' '.join(path)}\n" in text


def test_readme_commands_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    known = {p[0] for p in command_paths()}
    blocks = "\n".join(re.findall(r"```\n(.*?)```", readme, re.S))
    used = set(re.findall(r"(?m)^\s*(?:pip install [^&]+&& )?havewemet ([a-z]+)", blocks))
    used |= set(re.findall(r"`havewemet ([a-z]+)", readme))
    assert used and used <= known, used - known


def test_readme_describes_the_demo_it_runs():
    import inspect

    from havewemet.demo.persona import N_STRANGERS, PLANTED, build_export

    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    m = re.search(r"a generated librarian with ([\d,]+) connections, .*? and (\d+) pending", readme)
    assert m, "the README's demo line is gone"
    connections = inspect.signature(build_export).parameters["connections"].default
    assert int(m.group(1).replace(",", "")) == connections
    assert int(m.group(2)) == len(PLANTED) + N_STRANGERS
