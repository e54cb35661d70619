"""The engine must stay free of Django, so it runs and benchmarks on its own."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _engine_modules() -> list[str]:
    package = ROOT / "pairs_engine"
    return sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in package.rglob("*.py")
        if "tests" not in path.relative_to(package).parts
    )


@pytest.mark.parametrize("module", _engine_modules())
def test_engine_module_imports_without_django(module: str) -> None:
    code = f"import sys, {module}; sys.exit(2 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{module} loaded Django or failed to import: {result.stderr}"


def test_the_purity_check_can_fail() -> None:
    code = "import sys, django.conf; sys.exit(2 if 'django' in sys.modules else 0)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, check=False)
    assert result.returncode == 2
