"""Running imports: validation reasons, dedupe on re-import, chunks and resume, consents, pages."""

from __future__ import annotations

import csv
import io
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pairs.contacts.models import Contact, ContactBasis
from pairs.imports import services
from pairs.imports.models import ImportJob, ImportStatus
from pairs.imports.selectors import import_preview
from pairs.imports.services import import_job_create, import_job_map, import_job_run, import_job_start
from pairs.members.models import Member, Phase, Situation
from pairs.privacy.models import ConsentKind, ConsentRecord, ConsentSource
from pairs.privacy.selectors import consent_state
from tests.factories_imports import HEADERS, csv_bytes, good_row, import_references_create
from tests.fixtures import World


@pytest.fixture
def refs(world: World) -> World:
    import_references_create()
    return world


def _job(world: World, content: bytes, name: str = "contacts.csv") -> ImportJob:
    job = import_job_create(user=world.consultant_same, file_name=name, content=content)
    return import_job_map(job=job, mapping=job.mapping)


def _run(job: ImportJob, chunk_size: int = 1000) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
    return import_job_run(job_id=job.pk, chunk_size=chunk_size)


def _errors(job: ImportJob) -> dict[int, str]:
    job.refresh_from_db()
    reader = csv.DictReader(io.StringIO(job.error_file), delimiter=";")
    return {int(row["ligne"]): row["raison"] for row in reader}


# Each bad row: (what to break, cell index, value, words expected in the reason)
FAULTS: list[tuple[int, str, str]] = [
    (2, "pas-un-email", "n'est pas une adresse valide"),
    (3, "999", "département : « 999 » est inconnu"),
    (4, "astronaute", "situation : « astronaute » est inconnue"),
    (5, "finie", "étape : « finie » est inconnue"),
    (6, "Chargé d'études en marketing", "proches : Chargé / Chargée d'études marketing (M1403)"),
    (7, "99", "n'est pas une division NAF connue"),
    (8, "12345", "téléphone : Numéro de téléphone invalide"),
    (9, "http://example.com/moi", "LinkedIn : Adresse LinkedIn invalide"),
    (0, "", "prénom manquant"),
    (12, "peut-être", "n'est ni oui ni non"),
]


def _mixed_file(total: int, bad_every: int = 25) -> tuple[bytes, dict[int, str]]:
    """`total` rows, a fault every `bad_every` rows (one fault in four is a duplicate,
    which makes two bad lines): the content and line -> expected reason fragment."""
    rows: list[list[str]] = []
    expected: dict[int, str] = {}
    fault_index = 0
    for n in range(total):
        line = n + 2
        row = good_row(n)
        if n % bad_every == bad_every - 1:
            if fault_index % 4 == 0:
                # A duplicate of the previous row's email: both lines are refused.
                row[2] = rows[-1][2]
                expected[line] = f"doublon de la ligne {line - 1}"
                expected[line - 1] = f"doublon de la ligne {line}"
            else:
                column, value, reason = FAULTS[fault_index % len(FAULTS)]
                row[column] = value
                expected[line] = reason
            fault_index += 1
        rows.append(row)
    return csv_bytes(rows), expected


def test_ten_thousand_rows_with_five_percent_bad_rows(refs: World) -> None:
    total = 10_000
    content, expected = _mixed_file(total)
    assert len(expected) == 500  # 5 %: 300 single faults and 100 duplicate pairs
    contacts_before = Contact.objects.count()
    members_before = Member.objects.count()

    job = _job(refs, content)
    preview = import_preview(job=job)
    assert (preview.total, preview.valid, preview.invalid) == (total, total - 500, 500)

    started = time.monotonic()
    job = _run(job)
    elapsed = time.monotonic() - started
    assert elapsed < 20, elapsed
    assert job.status == ImportStatus.DONE
    assert (job.total, job.processed, job.created, job.updated, job.invalid) == (total, total, 9500, 0, 500)
    assert Member.objects.count() - members_before == 9500
    assert Contact.objects.filter(basis=ContactBasis.FILE_IMPORT).count() - contacts_before == 9500
    errors = _errors(job)
    assert set(errors) == set(expected)
    for line, fragment in expected.items():
        assert fragment in errors[line], (line, errors[line])
    bad_emails = {good_row(line - 2)[2] for line in expected}
    assert not Member.objects.filter(
        email__in=bad_emails - {good_row(n)[2] for n in range(total) if n + 2 not in expected}
    ).exists()
    assert job.file_content in (b"", memoryview(b""))

    # The same file again: nothing new, every good row found again.
    again = _run(_job(refs, content))
    assert (again.created, again.updated, again.invalid) == (0, 9500, 500)
    assert Member.objects.count() - members_before == 9500
    assert Contact.objects.count() - contacts_before == 9500
    assert ConsentRecord.objects.count() == 9500 * 2  # statistics and emails, once each


def test_members_get_delegation_consents_and_contact(refs: World) -> None:
    row = good_row(1)  # département 75 (home), statistics "oui", recommendations "oui"
    row[2] = "  Camille.Martin@Exemple.FR "
    job = _run(_job(refs, csv_bytes([row])))
    assert job.created == 1
    member = Member.objects.get(email="camille.martin@exemple.fr")
    assert member.delegation == refs.home
    assert (member.situation, member.phase) == (Situation.JOB_SEEKER, Phase.TRANSITION)
    assert member.current_job_id == "M1805"  # from the job title
    assert member.sector_id == "62"
    assert member.phone == "+33612345678"
    state = consent_state(member=member)
    assert state[ConsentKind.STATISTICS] is True
    assert state[ConsentKind.RENCONTRE_EMAILS] is True
    # Only the member may grant these: the file's "oui" is not recorded.
    assert state[ConsentKind.RECOMMENDATIONS] is False
    assert not ConsentRecord.objects.filter(member=member, kind=ConsentKind.RECOMMENDATIONS).exists()
    assert set(ConsentRecord.objects.filter(member=member).values_list("source", flat=True)) == {
        ConsentSource.IMPORT
    }
    contact = Contact.objects.get(member=member)
    assert contact.consultant == refs.consultant_same.consultant
    assert contact.added_by == refs.consultant_same
    assert contact.basis == ContactBasis.FILE_IMPORT


def test_reimport_updates_a_pending_member_and_records_a_revocation(refs: World) -> None:
    _run(_job(refs, csv_bytes([good_row(1)])))
    changed = good_row(1)
    changed[1] = "Nouveau-Nom"
    changed[3] = "69"
    changed[11] = "non"
    changed[8] = ""  # an empty cell keeps the known phone
    job = _run(_job(refs, csv_bytes([changed])))
    assert (job.created, job.updated) == (0, 1)
    member = Member.objects.get(email=changed[2])
    assert (member.last_name, member.departement_id, member.delegation) == ("Nouveau-Nom", "69", refs.other)
    assert member.phone == "+33612345678"
    assert consent_state(member=member)[ConsentKind.STATISTICS] is False
    assert ConsentRecord.objects.filter(member=member, kind=ConsentKind.STATISTICS).count() == 2


def test_an_activated_member_keeps_their_profile_and_becomes_a_contact(refs: World) -> None:
    profile = refs.member_profile
    row = good_row(1)
    row[2] = profile.email.upper()
    row[1] = "Écrasé"
    job = _run(_job(refs, csv_bytes([row])))
    assert (job.created, job.updated) == (0, 1)
    profile.refresh_from_db()
    assert profile.last_name != "Écrasé"
    assert Contact.objects.filter(member=profile, consultant=refs.consultant_same.consultant).exists()


def test_crash_in_the_middle_chunk_leaves_whole_chunks_and_resume_completes(
    refs: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [good_row(n) for n in range(3000)]
    job = _job(refs, csv_bytes(rows))
    original = services._consents_write
    calls = {"n": 0}

    def crash_on_second_chunk(**kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # members and contacts of this chunk are already written
            raise RuntimeError("panne simulée")
        original(**kwargs)

    monkeypatch.setattr(services, "_consents_write", crash_on_second_chunk)
    with pytest.raises(RuntimeError, match="panne simulée"):
        _run(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "panne simulée" in job.failure
    assert (job.last_committed_row, job.processed, job.created) == (1000, 1000, 1000)
    imported = Member.objects.filter(email__endswith="@exemple.fr", email__startswith="personne.")
    assert imported.count() == 1000
    assert set(imported.values_list("email", flat=True)) == {good_row(n)[2] for n in range(1000)}
    assert Contact.objects.filter(basis=ContactBasis.FILE_IMPORT).count() == 1000
    assert ConsentRecord.objects.count() == 2000

    monkeypatch.setattr(services, "_consents_write", original)
    job = import_job_start(job=job)  # the resume
    assert job.status == ImportStatus.QUEUED
    job = import_job_run(job_id=job.pk, chunk_size=1000)
    assert job.status == ImportStatus.DONE
    assert (job.processed, job.created, job.updated, job.invalid) == (3000, 3000, 0, 0)
    assert imported.count() == 3000
    assert Contact.objects.filter(basis=ContactBasis.FILE_IMPORT).count() == 3000
    assert ConsentRecord.objects.count() == 6000


def test_erased_people_are_not_recreated(refs: World, monkeypatch: pytest.MonkeyPatch) -> None:
    erased = good_row(2)[2]
    monkeypatch.setattr(services, "erased_emails_among", lambda *, emails: {e for e in emails if e == erased})
    job = _run(_job(refs, csv_bytes([good_row(1), good_row(2)])))
    assert (job.created, job.invalid) == (1, 1)
    assert not Member.objects.filter(email=erased).exists()
    assert "effacement" in _errors(job)[3]


def test_mapping_requires_the_mandatory_fields_and_distinct_columns(refs: World) -> None:
    job = import_job_create(user=refs.consultant_same, file_name="c.csv", content=csv_bytes([good_row(1)]))
    mapping = dict(job.mapping, email=None, nom=0)
    with pytest.raises(ValidationError) as caught:
        import_job_map(job=job, mapping=mapping)
    errors = caught.value.message_dict
    assert "email" in errors
    assert "obligatoire" in errors["email"][0]
    assert "déjà associée" in errors["nom"][0]


# --- Pages ---------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_whole_journey_through_the_pages(refs: World, django_capture_on_commit_callbacks: Any) -> None:
    client = _client(refs.consultant_same)
    home = client.get(reverse("imports:home"))
    assert home.status_code == 200
    assert reverse("imports:template_xlsx") in home.content.decode()

    bad = good_row(2)
    bad[2] = '=HYPERLINK("x")'
    upload = io.BytesIO(csv_bytes([good_row(1), bad], delimiter=";", encoding="cp1252"))
    upload.name = "mes contacts.csv"
    response = client.post(reverse("imports:home"), {"file": upload})
    job = ImportJob.objects.get()
    assert response.url == reverse("imports:mapping", kwargs={"job_id": job.pk})

    mapping_page = client.get(response.url).content.decode()
    assert '<option value="2" selected>email</option>' in mapping_page
    form = {key: "" if index is None else str(index) for key, index in job.mapping.items()}
    response = client.post(reverse("imports:mapping", kwargs={"job_id": job.pk}), form)
    assert response.url == reverse("imports:preview", kwargs={"job_id": job.pk})

    preview = client.get(response.url).content.decode()
    assert "Lignes valides, qui seront importées" in preview
    assert "n&#x27;est pas une adresse valide" in preview
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:preview", kwargs={"job_id": job.pk}))
    progress_url = reverse("imports:progress", kwargs={"job_id": job.pk})
    assert response.url == progress_url
    job.refresh_from_db()
    assert (job.status, job.created, job.invalid) == (ImportStatus.DONE, 1, 1)

    page = client.get(progress_url).content.decode()
    assert "<progress" in page
    assert "Terminé : 2 lignes traitées sur 2 (100 %)." in page
    assert 'aria-live="polite"' in page
    partial = client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial
    assert "hx-trigger" not in partial
    errors = client.get(reverse("imports:errors", kwargs={"job_id": job.pk}))
    text = errors.content.decode("utf-8-sig")
    assert text.splitlines()[0] == ";".join(HEADERS) + ";ligne;raison"
    assert "'=HYPERLINK" in text
    assert ";3;" in text


def test_progress_polls_while_running(refs: World) -> None:
    job = _job(refs, csv_bytes([good_row(1)]))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, total=10, processed=4)
    partial = _client(refs.consultant_same).get(
        reverse("imports:progress", kwargs={"job_id": job.pk}), headers={"HX-Request": "true"}
    )
    body = partial.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert 'value="4"' in body
    assert "40 %" in body
    assert 'hx-swap-oob="innerHTML"' in body
    assert "lignes traitées sur 10" in body


def test_upload_refusals_are_shown_on_the_field(refs: World) -> None:
    upload = io.BytesIO(b"prenom;nom;email\n")
    upload.name = "vide.csv"
    response = _client(refs.consultant_same).post(reverse("imports:home"), {"file": upload})
    assert response.status_code == 200
    body = response.content.decode()
    assert "aucune ligne de données" in body
    assert 'aria-invalid="true"' in body
    assert not ImportJob.objects.exists()


def test_another_consultants_import_is_not_found(refs: World) -> None:
    job = _job(refs, csv_bytes([good_row(1)]))
    other = _client(refs.consultant_other)
    for name in ("mapping", "preview", "progress", "errors"):
        assert other.get(reverse(f"imports:{name}", kwargs={"job_id": job.pk})).status_code == 404
    assert (
        _client(refs.lead_same).get(reverse("imports:mapping", kwargs={"job_id": job.pk})).status_code == 200
    )
    assert (
        _client(refs.national).get(reverse("imports:mapping", kwargs={"job_id": job.pk})).status_code == 200
    )


def test_templates_download(refs: World) -> None:
    client = _client(refs.consultant_same)
    csv_response = client.get(reverse("imports:template_csv"))
    assert csv_response.content.startswith(b"\xef\xbb\xbfprenom;nom;email;")
    xlsx_response = client.get(reverse("imports:template_xlsx"))
    assert xlsx_response.content.startswith(b"PK")
    assert _client(refs.member).get(reverse("imports:template_csv")).status_code == 403


def test_a_stalled_import_can_be_resumed_but_not_a_live_one(
    refs: World, django_capture_on_commit_callbacks: Any
) -> None:
    job = _job(refs, csv_bytes([good_row(n) for n in range(3)]))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    client = _client(refs.consultant_same)
    resume_url = reverse("imports:resume", kwargs={"job_id": job.pk})
    client.post(resume_url)
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING  # refused: it is still alive

    stalled_at = timezone.now() - timedelta(minutes=5)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=stalled_at)
    page = client.get(reverse("imports:progress", kwargs={"job_id": job.pk})).content.decode()
    assert "Reprendre l'import" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(resume_url)
    job.refresh_from_db()
    assert (job.status, job.created) == (ImportStatus.DONE, 3)
