"""The README's first step as a user takes it: ``pip install .`` into a fresh virtual
environment, then the installed ``havewemet`` command (not the source tree) serves the
page (issue 13: the web page comes with the default install, and ``serve --get``
needs no HTTP client).

The environment reuses the test run's installed dependencies (a ``.pth`` file naming
its site-packages, so no download) and installs only havewemet itself, from a copy
of the package files, with ``--no-deps --no-build-isolation``.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh venv with havewemet pip-installed into it."""
    tmp = tmp_path_factory.mktemp("install")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(
        ROOT / "havewemet", src / "havewemet", ignore=shutil.ignore_patterns("__pycache__")
    )
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py = bin_dir / "python"
    purelib = subprocess.run(
        [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # This interpreter's packages (the dependencies, pip, setuptools) after the venv's own.
    parents = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    parents |= set(site.getsitepackages())
    Path(purelib, "_parent_site.pth").write_text(
        "\n".join(sorted(p for p in parents if Path(p).is_dir())) + "\n"
    )
    subprocess.run(
        [py, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "-q", src],
        cwd=tmp,
        check=True,
        capture_output=True,
        text=True,
    )
    return bin_dir


def _run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["HAVEWEMET_DB"] = str(cwd / "store.db")
    return subprocess.run(
        [str(bin_dir / "havewemet"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_installed_command_serves_the_page(installed: Path, tmp_path: Path):
    where = subprocess.run(
        [installed / "python", "-c", "import havewemet, fastapi; print(havewemet.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert Path(where).resolve().is_relative_to(installed.parent.resolve())
    page = _run(installed, "serve", "--get", "/", cwd=tmp_path)
    assert page.returncode == 0, page.stderr
    assert "<title>Inbox · Have we met?</title>" in page.stdout
    assert "No pending requests." in page.stdout
    # No traceback, no warning: --get renders in-process without a test client.
    assert page.stderr == ""
    twin = _run(installed, "serve", "--get", "/.json", cwd=tmp_path)
    assert json.loads(twin.stdout)["pending"] == 0
    missing = _run(installed, "serve", "--get", "/nowhere", cwd=tmp_path)
    assert missing.returncode == 1 and "no page at /nowhere" in missing.stdout


def test_serve_get_needs_no_http_client(tmp_path: Path):
    """``serve --get`` works with httpx unimportable (it is a test dependency only)."""
    code = (
        "import sys, warnings; warnings.simplefilter('error'); sys.modules['httpx'] = None; "
        "from havewemet.cli import main; sys.argv = ['havewemet', 'serve', '--get', '/.json']; "
        "main()"
    )
    env = {**os.environ, "HAVEWEMET_DB": str(tmp_path / "s.db")}
    r = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["counts"] == {"accept": 0, "report": 0, "ignore": 0, "ask": 0}
    assert r.stderr == ""
