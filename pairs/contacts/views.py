"""Staff pages: my contacts, and a member seen by a consultant (profile, who follows
them, add to my contacts, private notes).

Each member URL checks twice: the STAFF rule at the URL, then the member must be
in ``member_list_visible_to(viewer)`` — otherwise 404, so that a member's
existence does not leak to a consultant of another delegation.
The POST endpoints work without JavaScript (redirect back to the page) and with
htmx (``HX-Request``: they answer with the refreshed part of the page).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pairs.accounts.models import User
from pairs.core.access import STAFF, access
from pairs.members.models import Member
from pairs.members.selectors import member_list_visible_to
from pairs.network.models import Consultant
from pairs.privacy.models import ConsentKind, ProfileAction
from pairs.privacy.selectors import consent_state
from pairs.privacy.services import profile_access_record

from .forms import ContactAddForm, NoteForm
from .models import ConsultantNote, ContactBasis
from .selectors import (
    consultant_of,
    consultants_of,
    contact_get,
    contact_list_visible_to,
    note_get_own,
    note_list_for,
)
from .services import contact_add, contact_remove, note_create, note_delete, note_update

TEMPLATE = "contacts/member_detail.html"
NEW_NOTE_PREFIX = "nouvelle-note"


def _note_prefix(note: ConsultantNote) -> str:
    return f"note-{note.pk}"


def _visible_member(request: HttpRequest, member_id: int) -> Member:
    """The member if the viewer may see them; 404 otherwise (existence does not leak)."""
    visible = member_list_visible_to(viewer=request.user)  # type: ignore[arg-type]
    return get_object_or_404(
        visible.select_related("sector", "target_sector").prefetch_related(
            "target_jobs", "topics_sought", "topics_offered"
        ),
        pk=member_id,
    )


def _acting_consultant(request: HttpRequest) -> Consultant:
    """Contacts and notes belong to a consultant or a lead; other staff only read."""
    consultant = consultant_of(user=request.user)  # type: ignore[arg-type]
    if consultant is None:
        raise PermissionDenied
    return consultant


def _page_context(
    request: HttpRequest,
    member: Member,
    *,
    contact_form: ContactAddForm | None = None,
    note_form: NoteForm | None = None,
    bound_edit_form: tuple[int, NoteForm] | None = None,
    status: str = "",
) -> dict[str, Any]:
    viewer: User = request.user  # type: ignore[assignment]
    consultant = consultant_of(user=viewer)
    notes = list(note_list_for(member=member, viewer=viewer))
    edit_forms = []
    for note in notes:
        if bound_edit_form is not None and bound_edit_form[0] == note.pk:
            form = bound_edit_form[1]
        else:
            form = NoteForm(initial={"text": note.text}, prefix=_note_prefix(note))
        edit_forms.append((note, form))
    state = consent_state(member=member)
    return {
        "member": member,
        "consultant": consultant,
        "own_contact": contact_get(consultant=consultant, member=member) if consultant else None,
        "followers": consultants_of(member=member),
        "consents": [(ConsentKind(kind).label, granted) for kind, granted in state.items()],
        "contact_form": contact_form or ContactAddForm(),
        "note_form": note_form or NoteForm(prefix=NEW_NOTE_PREFIX),
        "notes": edit_forms,
        "status": status,
    }


def _respond(
    request: HttpRequest, member: Member, *, partial: str, status: str = "", **forms: Any
) -> HttpResponse:
    """After a POST: the refreshed part for htmx, else the page (errors) or a redirect (PRG)."""
    has_errors = any(
        getattr(form, "errors", None) or (isinstance(form, tuple) and form[1].errors)
        for form in forms.values()
    )
    if request.htmx:  # type: ignore[attr-defined]
        context = _page_context(request, member, status="" if has_errors else status, **forms)
        return render(request, f"{TEMPLATE}#{partial}", context)
    if has_errors:
        # Without JavaScript: the whole page again, with what was typed and the errors.
        return render(request, TEMPLATE, _page_context(request, member, **forms))
    if status:
        messages.success(request, status)
    anchor = "notes" if partial == "notes-panel" else "suivi"
    return redirect(reverse("contacts:member_detail", kwargs={"member_id": member.pk}) + f"#{anchor}")


@access(STAFF)
@require_GET
def contact_list(request: HttpRequest) -> HttpResponse:
    """Consultants and leads: their contacts. National team and admin: every contact, read-only."""
    viewer: User = request.user  # type: ignore[assignment]
    contacts = contact_list_visible_to(viewer=viewer)
    page = Paginator(contacts, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "contacts/contact_list.html",
        {"page": page, "show_consultant": consultant_of(user=viewer) is None},
    )


@access(STAFF)
@require_GET
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _visible_member(request, member_id)
    profile_access_record(actor=request.user, member=member, action=ProfileAction.VIEW)  # type: ignore[arg-type]
    return render(request, TEMPLATE, _page_context(request, member))


@access(STAFF)
@require_POST
def contact_add_view(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _visible_member(request, member_id)
    consultant = _acting_consultant(request)
    form = ContactAddForm(request.POST)
    if not form.is_valid():
        return _respond(request, member, partial="contact-panel", contact_form=form)
    if contact_get(consultant=consultant, member=member) is not None:
        return _respond(
            request, member, partial="contact-panel", status=_("Ce membre est déjà dans vos contacts.")
        )
    basis = ContactBasis(form.cleaned_data["basis"])
    contact_add(
        consultant=consultant,
        member=member,
        added_by=request.user,  # type: ignore[arg-type]
        basis=basis,
        basis_detail=form.cleaned_data["basis_detail"],
    )
    profile_access_record(
        actor=request.user,  # type: ignore[arg-type]
        member=member,
        action=ProfileAction.CHANGE,
        detail=f"Ajout aux contacts (origine : {basis.value})",
    )
    return _respond(request, member, partial="contact-panel", status=_("Membre ajouté à vos contacts."))


@access(STAFF)
@require_http_methods(["GET", "POST"])
def contact_remove_view(request: HttpRequest, member_id: int) -> HttpResponse:
    """GET: a confirmation page (it changes nothing); POST: remove the member from the
    viewer's own contacts. Only the viewer's link goes: the member stays, and so do the
    other consultants' links. There is no consultant in the URL: one can only ever remove
    one's own contact."""
    member = _visible_member(request, member_id)
    # The national team has no contacts of its own: for them, as for a consultant
    # without this contact, there is nothing to remove.
    consultant = consultant_of(user=request.user)  # type: ignore[arg-type]
    own_contact = contact_get(consultant=consultant, member=member) if consultant is not None else None
    detail_url = reverse("contacts:member_detail", kwargs={"member_id": member.pk})
    if consultant is None or own_contact is None:
        messages.info(request, _("Ce membre n'est pas dans vos contacts."))
        return redirect(detail_url + "#suivi")
    if request.method == "GET":
        in_delegation = member.delegation_id == consultant.delegation_id
        context = {"member": member, "own_contact": own_contact, "in_delegation": in_delegation}
        return render(request, "contacts/contact_remove.html", context)
    contact_remove(consultant=consultant, member=member, removed_by=request.user)  # type: ignore[arg-type]
    profile_access_record(
        actor=request.user,  # type: ignore[arg-type]
        member=member,
        action=ProfileAction.CHANGE,
        detail="Retrait des contacts",
    )
    messages.success(
        request,
        _("%(name)s a été retiré·e de vos contacts.") % {"name": f"{member.first_name} {member.last_name}"},
    )
    # A member of another delegation was visible only as a contact: back to the list then.
    if member_list_visible_to(viewer=request.user).filter(pk=member.pk).exists():  # type: ignore[arg-type]
        return redirect(detail_url + "#suivi")
    return redirect("contacts:list")


@access(STAFF)
@require_POST
def note_create_view(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _visible_member(request, member_id)
    consultant = _acting_consultant(request)
    form = NoteForm(request.POST, prefix=NEW_NOTE_PREFIX)
    if not form.is_valid():
        return _respond(request, member, partial="notes-panel", note_form=form)
    note_create(author=consultant, member=member, text=form.cleaned_data["text"])
    profile_access_record(
        actor=request.user,  # type: ignore[arg-type]
        member=member,
        action=ProfileAction.CHANGE,
        detail="Note privée ajoutée",
    )
    return _respond(request, member, partial="notes-panel", status=_("Note enregistrée."))


def _own_note(request: HttpRequest, member: Member, note_id: int) -> ConsultantNote:
    note = note_get_own(note_id=note_id, member=member, viewer=request.user)  # type: ignore[arg-type]
    if note is None:
        # Someone else's note does not exist for the viewer.
        raise Http404
    return note


@access(STAFF)
@require_POST
def note_update_view(request: HttpRequest, member_id: int, note_id: int) -> HttpResponse:
    member = _visible_member(request, member_id)
    consultant = _acting_consultant(request)
    note = _own_note(request, member, note_id)
    form = NoteForm(request.POST, prefix=_note_prefix(note))
    if not form.is_valid():
        return _respond(request, member, partial="notes-panel", bound_edit_form=(note.pk, form))
    note_update(note=note, editor=consultant, text=form.cleaned_data["text"])
    profile_access_record(
        actor=request.user,  # type: ignore[arg-type]
        member=member,
        action=ProfileAction.CHANGE,
        detail="Note privée modifiée",
    )
    return _respond(request, member, partial="notes-panel", status=_("Note modifiée."))


@access(STAFF)
@require_POST
def note_delete_view(request: HttpRequest, member_id: int, note_id: int) -> HttpResponse:
    member = _visible_member(request, member_id)
    consultant = _acting_consultant(request)
    note = _own_note(request, member, note_id)
    note_delete(note=note, deleter=consultant)
    profile_access_record(
        actor=request.user,  # type: ignore[arg-type]
        member=member,
        action=ProfileAction.CHANGE,
        detail="Note privée supprimée",
    )
    return _respond(request, member, partial="notes-panel", status=_("Note supprimée."))
