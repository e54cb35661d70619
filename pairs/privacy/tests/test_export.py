from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from pairs.core.spreadsheets import FORMULA_PREFIXES
from pairs.members.models import Member
from pairs.privacy.exports import csv_cell, member_data_export
from pairs.privacy.models import ConsentKind
from pairs.privacy.texts import consent_text_current
from tests.factories import MemberFactory, UserFactory
from tests.fixtures import World

from .helpers import CONTACT_DETAIL, NOTE_TEXT, PERSONAL, member_fill


def _open(archive: bytes) -> tuple[dict, dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        files = {name: zf.read(name).decode("utf-8-sig") for name in zf.namelist()}
    return json.loads(files["donnees.json"]), files


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_export_has_every_field_of_the_member(world: World) -> None:
    member = member_fill(world)
    data, files = _open(member_data_export(member=member))
    profile = data["tables"]["profil"]
    meta = Member._meta
    expected = {f.name for f in [*meta.concrete_fields, *meta.many_to_many]}
    assert set(profile["colonnes"]) == expected
    row = profile["lignes"][0]
    assert set(row) == expected
    for name, value in PERSONAL.items():
        assert row[name] == value
    # Readable values: labels, not codes or ids.
    assert row["topics_sought"] == ["Thématique cherchée de test"]
    assert row["availability"] == ["Lundi matin", "Jeudi soir"]
    assert row["experience_band"] == "De 10 à 20 ans"
    # French headers in the CSV, one line per row.
    header, line = _csv_rows(files["profil.csv"])
    assert "Prénom" in header
    assert "Zéphyrine" in line


def test_the_export_covers_account_emails_consents_contacts_trail_and_notes(world: World) -> None:
    member = member_fill(world)
    data, files = _open(member_data_export(member=member))
    tables = data["tables"]
    account = tables["compte"]["lignes"][0]
    assert account["email"] == PERSONAL["email"]
    assert "password" not in account
    assert world.member.password not in json.dumps(data)
    assert [row["email"] for row in tables["adresses_email"]["lignes"]] == [PERSONAL["email"]]
    consent = tables["consentements"]["lignes"][0]
    assert consent["text"] == consent_text_current(kind=ConsentKind.RECOMMENDATIONS).text
    assert consent["granted"] is True
    assert tables["contacts"]["lignes"][0]["basis_detail"] == CONTACT_DETAIL
    assert [row["action"] for row in tables["journal_acces"]["lignes"]] == ["Consultation"]
    # Consultant notes are found through the model meta, text included (RGPD: data about the member).
    assert tables["contacts_consultantnote"]["lignes"][0]["text"] == NOTE_TEXT
    for key in tables:
        assert f"{key}.csv" in files


def test_the_export_holds_nothing_of_another_member(world: World) -> None:
    member = member_fill(world)
    other = MemberFactory(
        first_name="Barnabé", email="barnabe.autre@exemple.fr", seeking_text="Secret d'autrui"
    )
    archive = member_data_export(member=member)
    _, files = _open(archive)
    everything = "".join(files.values())
    assert "barnabe.autre@exemple.fr" not in everything
    assert other.seeking_text not in everything


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_a_csv_cell_starting_a_formula_is_neutralised(prefix: str) -> None:
    assert csv_cell(f"{prefix}SOMME(A1)") == f"'{prefix}SOMME(A1)"


def test_plain_cells_are_left_alone() -> None:
    assert csv_cell("Ingénieure") == "Ingénieure"
    assert csv_cell(None) == ""
    assert csv_cell(["a", "b"]) == "a ; b"


def test_formulas_typed_by_the_member_are_neutralised_in_the_files(world: World) -> None:
    member = member_fill(world)
    member.seeking_text = '=HYPERLINK("http://evil.example","clic")'
    member.offering_text = "@SUM(1+1)"
    member.save()
    _, files = _open(member_data_export(member=member))
    header, line = _csv_rows(files["profil.csv"])
    cells = dict(zip(header, line, strict=True))
    assert cells["Ce que je cherche"] == "'" + member.seeking_text
    assert cells["Ce que je peux apporter"] == "'@SUM(1+1)"
    assert cells["Téléphone"] == "'+33612345678"
    for name, text in files.items():
        if name.endswith(".csv"):
            for row in _csv_rows(text):
                assert not any(cell.startswith(FORMULA_PREFIXES) for cell in row), name


def test_other_members_named_in_a_discovered_table_are_masked(world: World) -> None:
    from pairs.privacy.exports import OTHER_PERSON, _person

    owner = world.member_profile
    other = MemberFactory(first_name="Barnabé")
    assert _person(other, owner) == OTHER_PERSON
    assert _person(owner, owner) == str(owner)
    assert _person(world.member, owner) == world.member.get_full_name()
    assert _person(world.consultant_same, owner) == world.consultant_same.get_full_name()
    member_user = MemberFactory(user=UserFactory(email="autre.compte@exemple.fr")).user
    assert _person(member_user, owner) == OTHER_PERSON


def test_the_export_never_tells_what_others_did_about_the_member(world: World) -> None:
    """A one-sided « rester en contact » tick, a « pas intéressé », being suggested to someone: not exported."""
    from pairs.feedback.models import ContactWish, Feedback
    from pairs.feedback.tests.helpers import attend, attendee, past_rencontre
    from pairs.recommendations.models import Dismissal

    member = world.member_profile
    rencontre = past_rencontre(world)
    other = attendee()
    attend(rencontre, other)
    registration = attend(rencontre, member)
    ContactWish.objects.create(rencontre=rencontre, from_member=other, to_member=member)
    Dismissal.objects.create(member=other, dismissed=member)
    from django.utils import timezone

    Feedback.objects.create(
        registration=registration,
        satisfaction=4,
        usefulness=5,
        nps=9,
        submitted_at=timezone.now(),
        updated_at=timezone.now(),
        takeaway="Très utile",
    )
    data, _files = _open(member_data_export(member=member))
    tables = data["tables"]
    assert "feedback_contactwish" not in tables
    assert "recommendations_dismissal" not in tables
    assert tables["avis_apres_rencontre"]["lignes"][0]["takeaway"] == "Très utile"
