"""The engine must stay free of Django, so it runs and benchmarks on its own."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# One fresh interpreter imports every module in turn and names the first after
# which Django is loaded: any module that pulls Django in, directly or through
# another, makes it appear at its own import or earlier.
CHECK = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
    if any(m == "django" or m.startswith("django.") for m in sys.modules):
        print(name)
        sys.exit(2)
"""


def _engine_modules() -> list[str]:
    package = ROOT / "pairs_engine"
    return sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in package.rglob("*.py")
        if "tests" not in path.relative_to(package).parts
    )


def _check(modules: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHECK, *modules], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_every_engine_module_imports_without_django() -> None:
    modules = _engine_modules()
    assert len(modules) > 10  # the package, text folding, matching and planning
    result = _check(modules)
    assert result.returncode == 0, (
        f"{result.stdout.strip()} loaded Django or failed to import: {result.stderr}"
    )


def test_the_purity_check_can_fail() -> None:
    result = _check(["pairs_engine.text", "django.conf"])
    assert result.returncode == 2
    assert result.stdout.strip() == "django.conf"
