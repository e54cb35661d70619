"""The member page for staff and its POST endpoints: access, privacy of notes,
audit trail, French validation messages, with and without htmx."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pairs.accounts.models import User
from pairs.contacts.models import ConsultantNote, Contact, ContactBasis
from pairs.contacts.services import contact_add, note_create
from pairs.members.models import Member
from pairs.privacy.models import ProfileAccess, ProfileAction
from pairs.reference.models import Departement
from tests.factories import ConsultantFactory, MemberFactory
from tests.fixtures import World

SECRET = "Confidentiel : hésite à quitter son poste"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _detail(member: Member) -> str:
    return reverse("contacts:member_detail", kwargs={"member_id": member.pk})


def _lyon_member() -> Member:
    return MemberFactory(departement=Departement.objects.get(code="69"), last_name="Lyonnaise")


# --- Access ---------------------------------------------------------------


def test_consultant_of_another_delegation_gets_404_until_the_member_is_their_contact(
    world: World,
) -> None:
    client = _client(world.consultant_other)
    url = _detail(world.member_profile)
    response = client.get(url)
    assert response.status_code == 404
    assert world.member_profile.last_name not in response.content.decode()
    # The POST endpoints do not leak either.
    add = reverse("contacts:contact_add", kwargs={"member_id": world.member_profile.pk})
    assert client.post(add, {"basis": "event"}).status_code == 404
    assert not Contact.objects.exists()

    contact_add(
        consultant=world.consultant_other.consultant,
        member=world.member_profile,
        added_by=world.consultant_other,
        basis=ContactBasis.MEMBER_REQUEST,
    )
    response = client.get(url)
    assert response.status_code == 200
    assert world.member_profile.last_name in response.content.decode()


def test_an_unknown_member_is_a_404(world: World) -> None:
    assert _client(world.national).get("/contacts/membres/999999/").status_code == 404


def test_a_member_cannot_open_the_staff_page(world: World) -> None:
    assert _client(world.member).get(_detail(world.member_profile)).status_code == 403


def test_national_reads_the_page_but_cannot_add_contacts_or_notes(world: World) -> None:
    client = _client(world.national)
    page = client.get(_detail(world.member_profile)).content.decode()
    assert world.member_profile.last_name in page
    assert "Mes notes privées" not in page
    assert reverse("contacts:contact_add", kwargs={"member_id": world.member_profile.pk}) not in page
    add = reverse("contacts:contact_add", kwargs={"member_id": world.member_profile.pk})
    assert client.post(add, {"basis": "event"}).status_code == 403
    note = reverse("contacts:note_create", kwargs={"member_id": world.member_profile.pk})
    assert client.post(note, {"nouvelle-note-text": "x"}).status_code == 403


# --- Contacts list ----------------------------------------------------------


def test_my_contacts_lists_own_contacts_and_national_sees_all(world: World) -> None:
    lyon = _lyon_member()
    contact_add(
        consultant=world.consultant_same.consultant,
        member=world.member_profile,
        added_by=None,
        basis="event",
    )
    contact_add(consultant=world.consultant_other.consultant, member=lyon, added_by=None, basis="event")
    url = reverse("contacts:list")
    own = _client(world.consultant_same).get(url).content.decode()
    assert world.member_profile.last_name in own
    assert "Lyonnaise" not in own
    assert _detail(world.member_profile) in own
    everything = _client(world.national).get(url).content.decode()
    assert world.member_profile.last_name in everything
    assert "Lyonnaise" in everything
    assert "Mes contacts" not in _client(world.national).get(url).content.decode()


# --- Notes stay private ---------------------------------------------------------


def test_a_note_is_shown_to_its_author_only(world: World) -> None:
    contact_add(
        consultant=world.consultant_other.consultant,
        member=world.member_profile,
        added_by=None,
        basis="event",
    )
    note = note_create(author=world.consultant_same.consultant, member=world.member_profile, text=SECRET)
    url = _detail(world.member_profile)
    assert SECRET in _client(world.consultant_same).get(url).content.decode()
    for viewer in (world.consultant_other, world.lead_same, world.national, world.admin):
        page = _client(viewer).get(url).content.decode()
        assert page.count(world.member_profile.last_name) >= 1, viewer  # the page did open
        assert SECRET not in page, viewer
    # Someone else's note cannot be edited or deleted: it does not exist for them.
    for path in ("contacts:note_update", "contacts:note_delete"):
        target = reverse(path, kwargs={"member_id": world.member_profile.pk, "note_id": note.pk})
        response = _client(world.lead_same).post(target, {f"note-{note.pk}-text": "Piraté"})
        assert response.status_code == 404
    note.refresh_from_db()
    assert note.text == SECRET


@pytest.mark.parametrize("viewer_name", ["admin", "national"])
def test_the_admin_never_shows_a_note_text(world: World, viewer_name: str) -> None:
    note = note_create(author=world.consultant_same.consultant, member=world.member_profile, text=SECRET)
    client = _client(getattr(world, viewer_name))
    changelist = client.get(reverse("admin:contacts_consultantnote_changelist"))
    change = client.get(reverse("admin:contacts_consultantnote_change", args=[note.pk]))
    search = client.get(reverse("admin:contacts_consultantnote_changelist"), {"q": "Confidentiel"})
    for response in (changelist, change, search):
        assert SECRET not in response.content.decode()
        assert "hésite" not in response.content.decode()
    if viewer_name == "admin":
        assert changelist.status_code == 200
        assert change.status_code == 200
        assert world.member_profile.last_name in changelist.content.decode()
        assert "0 note" in search.content.decode()  # the text is not searchable
    else:
        # The national team has no permission on notes at all.
        assert changelist.status_code == 403


# --- Audit trail ----------------------------------------------------------


def test_views_and_changes_are_recorded_in_the_audit_trail(world: World) -> None:
    client = _client(world.consultant_same)
    member = world.member_profile
    client.get(_detail(member))
    client.post(reverse("contacts:contact_add", kwargs={"member_id": member.pk}), {"basis": "event"})
    client.post(
        reverse("contacts:note_create", kwargs={"member_id": member.pk}),
        {"nouvelle-note-text": SECRET},
    )
    rows = list(
        ProfileAccess.objects.filter(member=member, actor=world.consultant_same)
        .order_by("at", "id")
        .values_list("action", "detail")
    )
    assert [action for action, _detail in rows] == [
        ProfileAction.VIEW,
        ProfileAction.CHANGE,
        ProfileAction.CHANGE,
    ]
    assert "contacts" in rows[1][1]
    # The audit trail says a note was written, never what it says.
    assert SECRET not in rows[2][1]
    assert "Note" in rows[2][1]
    # A refused request (404) records nothing.
    _client(world.consultant_other).get(_detail(member))
    assert not ProfileAccess.objects.filter(actor=world.consultant_other).exists()


# --- Forms: without JavaScript, then with htmx ---------------------------------


def test_add_contact_without_htmx_redirects_back_and_is_idempotent(world: World) -> None:
    client = _client(world.consultant_same)
    member = world.member_profile
    url = reverse("contacts:contact_add", kwargs={"member_id": member.pk})
    response = client.post(url, {"basis": "event", "basis_detail": "Salon"})
    assert response.status_code == 302
    assert response["Location"].startswith(_detail(member))
    response = client.post(url, {"basis": "other"}, follow=True)
    assert "déjà dans vos contacts" in response.content.decode()
    contact = Contact.objects.get(member=member)
    assert (contact.basis, contact.basis_detail) == ("event", "Salon")
    assert "dans vos contacts depuis le" in client.get(_detail(member)).content.decode()


def test_add_contact_errors_are_in_french_and_keep_what_was_typed(world: World) -> None:
    client = _client(world.consultant_same)
    url = reverse("contacts:contact_add", kwargs={"member_id": world.member_profile.pk})
    response = client.post(url, {"basis": "", "basis_detail": "Rencontré au salon de Lyon"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Origine du contact : choisissez comment vous connaissez ce membre." in page
    assert "Rencontré au salon de Lyon" in page
    assert 'aria-describedby="id_basis_error"' in page
    assert 'aria-invalid="true"' in page
    assert not Contact.objects.exists()


def test_note_errors_are_in_french_and_keep_the_text(world: World) -> None:
    client = _client(world.consultant_same)
    url = reverse("contacts:note_create", kwargs={"member_id": world.member_profile.pk})
    page = client.post(url, {"nouvelle-note-text": "   "}).content.decode()
    assert "Texte de la note : saisissez un texte, la note est vide." in page
    long_text = "é" * 5001
    page = client.post(url, {"nouvelle-note-text": long_text}).content.decode()
    assert "Texte de la note : 5000 caractères au plus (vous en avez saisi 5001)." in page
    assert long_text in page
    assert not ConsultantNote.objects.exists()


def test_notes_without_htmx_create_update_delete(world: World) -> None:
    client = _client(world.consultant_same)
    member = world.member_profile
    response = client.post(
        reverse("contacts:note_create", kwargs={"member_id": member.pk}),
        {"nouvelle-note-text": "Première version"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#notes")
    note = ConsultantNote.objects.get()
    update = reverse("contacts:note_update", kwargs={"member_id": member.pk, "note_id": note.pk})
    # An empty edit is refused, the page shows the error and the note is unchanged.
    page = client.post(update, {f"note-{note.pk}-text": ""}).content.decode()
    assert "Texte de la note : saisissez un texte" in page
    assert "<details open>" in page
    assert client.post(update, {f"note-{note.pk}-text": "Seconde version"}).status_code == 302
    note.refresh_from_db()
    assert note.text == "Seconde version"
    delete = reverse("contacts:note_delete", kwargs={"member_id": member.pk, "note_id": note.pk})
    assert client.post(delete).status_code == 302
    assert not ConsultantNote.objects.exists()


def test_with_htmx_the_endpoints_answer_with_the_refreshed_part(world: World) -> None:
    client = _client(world.consultant_same)
    member = world.member_profile
    htmx = {"HTTP_HX_REQUEST": "true"}
    response = client.post(
        reverse("contacts:note_create", kwargs={"member_id": member.pk}),
        {"nouvelle-note-text": "Via htmx"},
        **htmx,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="notes"')
    assert "Via htmx" in body
    assert "Note enregistrée." in body
    assert "<html" not in body
    # An invalid form comes back in the part, with its French message.
    body = client.post(
        reverse("contacts:contact_add", kwargs={"member_id": member.pk}), {"basis": "x"}, **htmx
    ).content.decode()
    assert body.lstrip().startswith('<section id="suivi"')
    assert "Origine du contact : choisissez une origine de la liste." in body
    body = client.post(
        reverse("contacts:contact_add", kwargs={"member_id": member.pk}),
        {"basis": "event"},
        **htmx,
    ).content.decode()
    assert "Membre ajouté à vos contacts." in body
    assert Contact.objects.filter(member=member, consultant=world.consultant_same.consultant).exists()


def test_get_on_a_post_endpoint_is_refused(world: World) -> None:
    url = reverse("contacts:note_create", kwargs={"member_id": world.member_profile.pk})
    assert _client(world.consultant_same).get(url).status_code == 405


# --- Remove from my contacts ------------------------------------------------------


def _remove(member: Member) -> str:
    return reverse("contacts:contact_remove", kwargs={"member_id": member.pk})


def test_the_owner_removes_the_member_from_their_contacts_after_confirming(world: World) -> None:
    member = world.member_profile
    mine = world.consultant_same
    contact_add(consultant=mine.consultant, member=member, added_by=mine, basis="event")
    # Another consultant's link to the same member is not touched.
    contact_add(consultant=world.lead_same.consultant, member=member, added_by=None, basis="event")
    client = _client(mine)
    assert _remove(member) in client.get(_detail(member)).content.decode()
    # GET shows the confirmation and changes nothing.
    page = client.get(_remove(member)).content.decode()
    assert "Confirmer le retrait de mes contacts" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert Contact.objects.filter(consultant=mine.consultant, member=member).exists()
    response = client.post(_remove(member))
    assert response.status_code == 302
    assert response["Location"].startswith(_detail(member))
    assert not Contact.objects.filter(consultant=mine.consultant, member=member).exists()
    assert Contact.objects.filter(consultant=world.lead_same.consultant, member=member).exists()
    assert Member.objects.filter(pk=member.pk).exists()
    page = client.get(response["Location"]).content.decode()
    assert "retiré·e de vos contacts" in page
    assert "Ajouter à mes contacts" in page
    change = ProfileAccess.objects.filter(member=member, actor=mine, action=ProfileAction.CHANGE).get()
    assert change.detail == "Retrait des contacts"


def test_the_csrf_token_is_required(world: World) -> None:
    member = world.member_profile
    contact_add(consultant=world.consultant_same.consultant, member=member, added_by=None, basis="event")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.consultant_same)
    assert client.post(_remove(member)).status_code == 403
    assert Contact.objects.filter(member=member).exists()


def test_a_consultant_cannot_remove_someone_elses_contact(world: World) -> None:
    member = world.member_profile
    contact_add(consultant=world.consultant_same.consultant, member=member, added_by=None, basis="event")
    colleague = ConsultantFactory(user__email="collegue.idf@exemple.fr", delegation=world.home).user
    # Same delegation: the page is visible, but the colleague has no link of their own to remove.
    response = _client(colleague).post(_remove(member), follow=True)
    assert "pas dans vos contacts" in response.content.decode()
    # Another delegation: the member does not exist for them.
    assert _client(world.consultant_other).post(_remove(member)).status_code == 404
    # National team: reads, never acts as a consultant; it has no contact of its own to remove.
    response = _client(world.national).post(_remove(member), follow=True)
    assert "pas dans vos contacts" in response.content.decode()
    assert Contact.objects.filter(consultant=world.consultant_same.consultant, member=member).exists()
    assert not ProfileAccess.objects.filter(action=ProfileAction.CHANGE).exists()


def test_removing_a_contact_of_another_delegation_returns_to_the_contact_list(world: World) -> None:
    lyon = _lyon_member()
    mine = world.consultant_same
    contact_add(consultant=mine.consultant, member=lyon, added_by=mine, basis="event")
    client = _client(mine)
    assert "vous ne pourrez plus consulter sa fiche" in client.get(_remove(lyon)).content.decode()
    response = client.post(_remove(lyon))
    assert response["Location"] == reverse("contacts:list")
    assert client.get(_detail(lyon)).status_code == 404
    assert Member.objects.filter(pk=lyon.pk).exists()
