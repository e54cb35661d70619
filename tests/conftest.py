# The shared fixtures live in tests/fixtures.py (loaded for the whole project
# by the root conftest.py); names are re-exported for existing imports.
from tests.fixtures import PASSWORD, World

__all__ = ["PASSWORD", "World"]
