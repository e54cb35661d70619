import pytest

from pairs_engine.text import fold


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Chargé·e d'Études", "charge e d etudes"),
        ("  ŒNOLOGUE  ", "oenologue"),
        ("Responsable RH / Paie", "responsable rh paie"),
        ("Ingénieur(e) réseaux-télécoms", "ingenieur e reseaux telecoms"),
        ("", ""),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded
