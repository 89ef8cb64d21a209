"""``havewemet policy show|init|check``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from havewemet.cli.app import (
    PolicyOpt,
    PresetOpt,
    command,
    console,
    policy_app,
)
from havewemet.errors import HaveWeMetError


@command("show", typer_app=policy_app)
def policy_show(policy: PolicyOpt = None, preset: PresetOpt = None) -> None:
    """Print the policy in force as TOML."""
    from havewemet.triage.policy import load_policy, policy_toml

    sys.stdout.write(policy_toml(load_policy(policy, preset_name=preset)))


@command("init", typer_app=policy_app)
def policy_init(
    path: Annotated[Path, typer.Argument(help="Where to write the file.")],
    preset: Annotated[str, typer.Option(help="gatekeeper or networker.")] = "gatekeeper",
    force: Annotated[bool, typer.Option(help="Overwrite.")] = False,
) -> None:
    """Write a policy file from a preset, to edit."""
    from havewemet.triage.policy import policy_toml
    from havewemet.triage.policy import preset as make_preset

    if path.exists() and not force:
        raise HaveWeMetError(f"{path} exists; add --force to overwrite it")
    path.write_text(policy_toml(make_preset(preset)), encoding="utf-8")
    console.print(f"Wrote {path}; use it with --policy {path}", markup=False)


@command("check", typer_app=policy_app)
def policy_check(path: Annotated[Path, typer.Argument(help="The policy file.")]) -> None:
    """Check a policy file; every error is listed with its line and key."""
    from havewemet.triage.policy import load_policy

    pol = load_policy(path)
    console.print(f"{path}: OK (preset {pol.preset})", markup=False)
