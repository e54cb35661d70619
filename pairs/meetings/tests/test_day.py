"""On the day: check-in (with and without htmx), walk-ins, closing the welcome desk, the
attendance sheet, and who may open them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pairs.accounts.models import User
from pairs.meetings.models import Attendance, Registration, RegistrationStatus, Rencontre, Status
from pairs.meetings.services_day import attendance_close, attendance_close_due
from pairs.members.models import Member
from pairs.reference.models import Departement
from tests.factories import MemberFactory
from tests.factories_meetings import RegistrationFactory, RencontreFactory
from tests.fixtures import World

HX = {"HTTP_HX_REQUEST": "true"}


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _url(name: str, rencontre: Rencontre, **kwargs: int) -> str:
    return reverse(f"meetings:{name}", kwargs={"rencontre_id": rencontre.pk, **kwargs})


def _rencontre(world: World, **kwargs: object) -> Rencontre:
    defaults: dict[str, object] = {
        "organiser": world.consultant_same.consultant,
        "starts_at": timezone.now() - timedelta(minutes=30),
        "ends_at": timezone.now() + timedelta(hours=1),
        "title": "Cercle des cadres en transition",
    }
    defaults.update(kwargs)
    return RencontreFactory(**defaults)


def _paris_member(last_name: str, first_name: str = "Alex") -> Member:
    return MemberFactory(
        last_name=last_name,
        first_name=first_name,
        departement=Departement.objects.get(code="75"),
        delegation=Departement.objects.get(code="75").region.delegations.first(),
    )


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["checkin", "walk_in", "attendance_sheet"])
def test_only_the_organising_team_opens_the_day_pages(world: World, page: str) -> None:
    rencontre = _rencontre(world)
    url = _url(page, rencontre)
    # A consultant of another delegation sees the published rencontre but does not run it.
    assert _client(world.consultant_other).get(url).status_code == 403
    assert _client(world.member).get(url).status_code == 403
    assert _client(None).get(url).status_code == 302  # to the login page
    for user in (world.consultant_same, world.lead_same, world.national, world.admin):
        assert _client(user).get(url).status_code == 200, user


def test_a_co_organiser_of_another_delegation_may_check_in(world: World) -> None:
    rencontre = _rencontre(world, co_organisers=[world.consultant_other.consultant])
    assert _client(world.consultant_other).get(_url("checkin", rencontre)).status_code == 200


def test_a_draft_of_another_delegation_is_a_404_and_marks_are_refused(world: World) -> None:
    rencontre = _rencontre(world, status=Status.DRAFT)
    registration = RegistrationFactory(rencontre=rencontre)
    client = _client(world.consultant_other)
    assert client.get(_url("checkin", rencontre)).status_code == 404
    mark = _url("checkin_mark", rencontre, registration_id=registration.pk)
    assert client.post(mark, {"attendance": "present"}).status_code == 404
    assert _client(world.consultant_other).post(mark, {"attendance": "present"}, **HX).status_code == 404
    registration.refresh_from_db()
    assert registration.attendance == Attendance.UNKNOWN


# --- Check-in -----------------------------------------------------------------------------------


def test_check_in_page_lists_the_registered_by_name_with_counts(world: World) -> None:
    rencontre = _rencontre(world)
    RegistrationFactory(rencontre=rencontre, member=_paris_member("Zola"))
    RegistrationFactory(rencontre=rencontre, member=_paris_member("Aubert"), attendance=Attendance.PRESENT)
    RegistrationFactory(
        rencontre=rencontre, member=_paris_member("Martin"), status=RegistrationStatus.WAITLISTED
    )
    page = _client(world.consultant_same).get(_url("checkin", rencontre)).content.decode()
    assert page.index("AUBERT") < page.index("ZOLA")
    assert "MARTIN" not in page  # waiting, not registered
    assert 'aria-live="polite"' in page
    assert "<strong>1</strong> présent·e" in page
    assert "<strong>1</strong> pas encore pointé·e" in page
    assert 'aria-pressed="true"' in page
    assert 'aria-pressed="false"' in page
    assert "Clore l'accueil" in page  # the rencontre has started


def test_marking_without_javascript_redirects_back_to_the_row(world: World) -> None:
    rencontre = _rencontre(world)
    registration = RegistrationFactory(rencontre=rencontre)
    url = _url("checkin_mark", rencontre, registration_id=registration.pk)
    response = _client(world.consultant_same).post(url, {"attendance": "present", "q": "Dup"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?q=Dup#inscription-{registration.pk}")
    registration.refresh_from_db()
    assert registration.attendance == Attendance.PRESENT
    assert registration.checked_in_at is not None


def test_marking_with_htmx_returns_the_row_and_the_counts_out_of_band(world: World) -> None:
    rencontre = _rencontre(world)
    registration = RegistrationFactory(rencontre=rencontre, member=_paris_member("Dupont", "Léa"))
    RegistrationFactory(rencontre=rencontre)
    client = _client(world.consultant_same)
    url = _url("checkin_mark", rencontre, registration_id=registration.pk)

    response = client.post(url, {"attendance": "absent"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f'id="inscription-{registration.pk}"' in html
    assert f'id="absent-{registration.pk}"' in html
    # The absent button is pressed and now offers to undo; the present one is not pressed.
    absent_button = html[html.index(f'id="absent-{registration.pk}"') :].split(">", 1)[0]
    assert 'aria-pressed="true"' in absent_button
    assert 'value="unknown"' in absent_button
    assert 'id="checkin-live" hx-swap-oob="innerHTML"' in html
    assert "<strong>1</strong> absent·e" in html
    assert "<strong>1</strong> pas encore pointé·e" in html
    assert "Léa Dupont : absent·e." in html

    # Pressing it again undoes the mark.
    client.post(url, {"attendance": "unknown"}, **HX)
    registration.refresh_from_db()
    assert registration.attendance == Attendance.UNKNOWN
    assert registration.checked_in_at is None


def test_marks_are_refused_on_a_cancelled_rencontre_and_for_another_rencontres_row(world: World) -> None:
    rencontre = _rencontre(world)
    elsewhere = RegistrationFactory(rencontre=_rencontre(world))
    client = _client(world.consultant_same)
    wrong = _url("checkin_mark", rencontre, registration_id=elsewhere.pk)
    assert client.post(wrong, {"attendance": "present"}).status_code == 404

    registration = RegistrationFactory(rencontre=rencontre)
    Rencontre.objects.filter(pk=rencontre.pk).update(status=Status.CANCELLED)
    url = _url("checkin_mark", rencontre, registration_id=registration.pk)
    response = client.post(url, {"attendance": "present"}, **HX)
    assert "le pointage est fermé" in response.content.decode()
    registration.refresh_from_db()
    assert registration.attendance == Attendance.UNKNOWN


def test_an_unknown_attendance_value_changes_nothing(world: World) -> None:
    rencontre = _rencontre(world)
    registration = RegistrationFactory(rencontre=rencontre)
    url = _url("checkin_mark", rencontre, registration_id=registration.pk)
    _client(world.consultant_same).post(url, {"attendance": "peut-etre"})
    registration.refresh_from_db()
    assert registration.attendance == Attendance.UNKNOWN


def test_the_search_box_narrows_the_list_and_htmx_gets_only_the_rows(world: World) -> None:
    rencontre = _rencontre(world)
    RegistrationFactory(rencontre=rencontre, member=_paris_member("Lambert"))
    RegistrationFactory(rencontre=rencontre, member=_paris_member("Nguyen"))
    client = _client(world.consultant_same)
    response = client.get(_url("checkin", rencontre), {"q": "lamb"}, **HX)
    html = response.content.decode()
    assert "<html" not in html
    assert "LAMBERT" in html
    assert "NGUYEN" not in html
    assert response.headers["Vary"].count("HX-Request") == 1
    full = client.get(_url("checkin", rencontre), {"q": "lamb"}).content.decode()
    assert "<html" in full
    assert "LAMBERT" in full
    assert "NGUYEN" not in full


# --- Closing the welcome desk ----------------------------------------------------------------------


def test_attendance_close_marks_the_unmarked_absent_once(world: World) -> None:
    rencontre = _rencontre(world)
    present = RegistrationFactory(rencontre=rencontre, attendance=Attendance.PRESENT)
    unmarked = [RegistrationFactory(rencontre=rencontre) for _ in range(2)]
    waiting = RegistrationFactory(rencontre=rencontre, status=RegistrationStatus.WAITLISTED)
    now = timezone.now()
    assert attendance_close(rencontre=rencontre, now=now) == 2
    assert attendance_close(rencontre=rencontre, now=now) == 0
    assert {r.attendance for r in Registration.objects.filter(pk__in=[u.pk for u in unmarked])} == {
        Attendance.ABSENT
    }
    present.refresh_from_db()
    waiting.refresh_from_db()
    assert present.attendance == Attendance.PRESENT
    assert waiting.attendance == Attendance.UNKNOWN


def test_attendance_close_refuses_before_the_start_and_on_a_cancelled_rencontre(world: World) -> None:
    later = _rencontre(
        world,
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=2),
    )
    RegistrationFactory(rencontre=later)
    with pytest.raises(ValidationError):
        attendance_close(rencontre=later, now=timezone.now())
    cancelled = _rencontre(world, status=Status.CANCELLED)
    with pytest.raises(ValidationError):
        attendance_close(rencontre=cancelled, now=timezone.now())
    assert not Registration.objects.filter(attendance=Attendance.ABSENT).exists()


def test_the_close_button_posts_to_the_check_in_page(world: World) -> None:
    rencontre = _rencontre(world)
    registration = RegistrationFactory(rencontre=rencontre)
    client = _client(world.consultant_same)
    response = client.post(_url("checkin", rencontre), {"action": "clore"}, follow=True)
    assert "1 personne non pointée est enregistrée absente" in response.content.decode()
    registration.refresh_from_db()
    assert registration.attendance == Attendance.ABSENT
    again = client.post(_url("checkin", rencontre), {"action": "clore"}, follow=True)
    assert "tout le monde était déjà pointé" in again.content.decode()
    assert (
        _client(world.consultant_other).post(_url("checkin", rencontre), {"action": "clore"}).status_code
        == 403
    )


# --- Walk-ins -------------------------------------------------------------------------------------


def test_a_visible_member_found_by_name_is_added_present_without_taking_a_seat(world: World) -> None:
    rencontre = _rencontre(world, capacity_min=1, capacity_max=1)
    RegistrationFactory(rencontre=rencontre)  # the only seat is taken
    newcomer = _paris_member("Fontaine", "Hugo")
    client = _client(world.consultant_same)
    search = client.get(_url("walk_in", rencontre), {"q": "fontaine"}, **HX).content.decode()
    # Full name: the test world's member has a random surname, which may be Fontaine too.
    assert "FONTAINE Hugo" in search
    assert "<html" not in search
    response = client.post(_url("walk_in", rencontre), {"member": newcomer.pk})
    assert response.status_code == 302
    registration = Registration.objects.get(rencontre=rencontre, member=newcomer)
    assert registration.walk_in
    assert registration.attendance == Attendance.PRESENT
    assert registration.status == RegistrationStatus.REGISTERED
    rencontre.refresh_from_db()
    assert rencontre.registered_count == 1
    # Already seated: no longer offered.
    assert "FONTAINE Hugo" not in client.get(_url("walk_in", rencontre), {"q": "fontaine"}).content.decode()


def test_a_member_the_organiser_may_not_see_cannot_be_picked_by_id(world: World) -> None:
    rencontre = _rencontre(world)
    lyon = MemberFactory(departement=Departement.objects.get(code="69"), delegation=world.other)
    response = _client(world.consultant_same).post(_url("walk_in", rencontre), {"member": lyon.pk})
    assert response.status_code == 404
    assert not Registration.objects.filter(member=lyon).exists()


def test_someone_new_is_created_on_the_spot_and_checked_in(world: World) -> None:
    rencontre = _rencontre(world)
    data = {
        "nouveau-first_name": "Inès",
        "nouveau-last_name": "Caron",
        "nouveau-email": "Ines.Caron@Exemple.fr",
        "nouveau-departement": "75",
        "nouveau-situation": "job_seeker",
        "nouveau-phase": "transition",
    }
    response = _client(world.consultant_same).post(_url("walk_in", rencontre), data, follow=True)
    assert "Inès Caron est ajouté·e et pointé·e présent·e." in response.content.decode()
    member = Member.objects.get(email="ines.caron@exemple.fr")
    assert member.delegation == world.home
    registration = Registration.objects.get(rencontre=rencontre, member=member)
    assert registration.walk_in
    assert registration.attendance == Attendance.PRESENT
    # The same address again adds nobody new.
    _client(world.consultant_same).post(_url("walk_in", rencontre), data)
    assert Member.objects.filter(email="ines.caron@exemple.fr").count() == 1


def test_the_creation_form_reports_missing_fields(world: World) -> None:
    rencontre = _rencontre(world)
    response = _client(world.consultant_same).post(_url("walk_in", rencontre), {"nouveau-first_name": "Inès"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'aria-invalid="true"' in html
    assert not Registration.objects.exists()


# --- Attendance sheet -------------------------------------------------------------------------------


def test_the_attendance_sheet_lists_everyone_seated_by_last_name(world: World) -> None:
    rencontre = _rencontre(world)
    for name in ("Roux", "Bernard", "Petit"):
        RegistrationFactory(rencontre=rencontre, member=_paris_member(name))
    RegistrationFactory(
        rencontre=rencontre, member=_paris_member("Garnier"), walk_in=True, attendance=Attendance.PRESENT
    )
    RegistrationFactory(
        rencontre=rencontre, member=_paris_member("Waiting"), status=RegistrationStatus.WAITLISTED
    )
    html = _client(world.consultant_same).get(_url("attendance_sheet", rencontre)).content.decode()
    positions = [html.index(name) for name in ("BERNARD", "GARNIER", "PETIT", "ROUX")]
    assert positions == sorted(positions)
    assert "WAITING" not in html
    assert "<caption>" in html
    assert 'scope="col"' in html
    assert "Signature" in html


def test_the_periodic_close_records_no_shows_only_where_check_in_happened(world: World) -> None:
    now = timezone.now()
    ended = {"starts_at": now - timedelta(days=1, hours=3), "ends_at": now - timedelta(days=1)}
    checked = _rencontre(world, **ended)
    RegistrationFactory(rencontre=checked, attendance=Attendance.PRESENT)
    no_show = RegistrationFactory(rencontre=checked)
    never_checked = _rencontre(world, **ended)
    untouched = RegistrationFactory(rencontre=never_checked)
    running = _rencontre(world)  # not over yet
    RegistrationFactory(rencontre=running, attendance=Attendance.PRESENT)
    still_coming = RegistrationFactory(rencontre=running)

    assert attendance_close_due(now=now) == 1
    assert attendance_close_due(now=now) == 0
    no_show.refresh_from_db()
    untouched.refresh_from_db()
    still_coming.refresh_from_db()
    assert no_show.attendance == Attendance.ABSENT
    assert untouched.attendance == Attendance.UNKNOWN
    assert still_coming.attendance == Attendance.UNKNOWN
