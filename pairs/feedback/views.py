"""Pages after the rencontre.

Two ways in for attendees: the signed link of the feedback email (no login,
``token`` in the URL) and the member's own pages (login, ``rencontre_id``).
Both go through the same helpers, so the rules are the same. Contact details
are shown only on "Mon réseau", after login — never on a page opened by a
link that could have been forwarded.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pairs.core.access import MEMBER, NATIONAL, PUBLIC, STAFF, access
from pairs.meetings.models import Registration, Rencontre
from pairs.meetings.selectors import member_for_user, rencontre_can_manage
from pairs.members.models import Phase, Situation
from pairs.privacy.models import ConsentKind
from pairs.privacy.selectors import consent_state

from .forms import ContactWishForm, FeedbackForm, OutcomeForm, SharedDetailsForm, attendee_label
from .learning import learning_report
from .links import TokenResult, registration_from_token, survey_from_token
from .selectors import (
    contact_page,
    feedback_of,
    feedback_summary,
    network_of,
    registration_attended,
    shared_details_of,
)
from .services import (
    FEEDBACK_EDIT_DAYS,
    FeedbackRefusedError,
    FeedbackState,
    contact_wishes_save,
    feedback_refusal,
    feedback_state,
    feedback_submit,
    learning_weight_set_create,
    outcome_change_confirm,
    outcome_survey_answer,
    shared_details_update,
)


def _link_problem(result: TokenResult) -> tuple[str, int]:
    if result.problem == "expired":
        return (
            _(
                "Ce lien a expiré. Si vous avez un compte, retrouvez la rencontre dans « Mes rencontres » après "
                "connexion."
            ),
            410,
        )
    return (
        _("Ce lien n'est pas valide. Vérifiez qu'il est complet : certaines messageries le coupent en deux."),
        400,
    )


def _member_registration(request: HttpRequest, rencontre_id: int) -> Registration | HttpResponse:
    member = member_for_user(user=request.user)  # type: ignore[arg-type]
    if member is None:
        return redirect("onboarding:start")
    return get_object_or_404(
        Registration.objects.select_related("rencontre", "rencontre__place", "member"),
        member=member,
        rencontre_id=rencontre_id,
    )


# --- Feedback -----------------------------------------------------------------------------------


def _feedback_page(
    request: HttpRequest, registration: Registration, *, token: str | None, next_url: str
) -> HttpResponse:
    now = timezone.now()
    feedback = feedback_of(registration=registration)
    state = feedback_state(registration=registration, feedback=feedback, now=now)
    context: dict[str, Any] = {
        "registration": registration,
        "rencontre": registration.rencontre,
        "feedback": feedback,
        "token": token,
        "next_url": next_url,
        "edit_days": FEEDBACK_EDIT_DAYS,
    }
    if state not in (FeedbackState.OPEN, FeedbackState.EDITABLE):
        context["refused"] = feedback_refusal(state=state, feedback=feedback)
        # An answer past its editing window is shown, read only; the contacts step stays open.
        context["locked"] = state == FeedbackState.LOCKED
        return render(request, "feedback/answer.html", context, status=200 if context["locked"] else 409)
    form = FeedbackForm(request.POST or None, initial=FeedbackForm.initial_from(feedback))
    if request.method == "POST" and form.is_valid():
        try:
            feedback_submit(registration=registration, now=now, **form.answer())
        except FeedbackRefusedError as error:
            context["refused"] = " ".join(error.messages)
            return render(request, "feedback/answer.html", context, status=409)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Merci ! Votre avis est enregistré ; vous pouvez le modifier pendant %(days)d jours.")
                % {"days": FEEDBACK_EDIT_DAYS},
            )
            return redirect(next_url)
    context["form"] = form
    if feedback is not None:
        context["editable_until"] = feedback.submitted_at + timedelta(days=FEEDBACK_EDIT_DAYS)
    return render(request, "feedback/answer.html", context)


@access(PUBLIC)
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The feedback form of the email's signed link (no login)."""
    result = registration_from_token(token)
    if result.registration is None:
        message, status = _link_problem(result)
        return render(request, "feedback/answer.html", {"refused": message}, status=status)
    return _feedback_page(
        request,
        result.registration,
        token=token,
        next_url=reverse("feedback:answer_contacts", kwargs={"token": token}),
    )


@access(MEMBER)
@require_http_methods(["GET", "POST"])
def my_feedback(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    registration = _member_registration(request, rencontre_id)
    if isinstance(registration, HttpResponse):
        return registration
    return _feedback_page(
        request,
        registration,
        token=None,
        next_url=reverse("feedback:contacts", kwargs={"rencontre_id": rencontre_id}),
    )


# --- Staying in touch ---------------------------------------------------------------------------


def _contacts_page(request: HttpRequest, registration: Registration, *, token: str | None) -> HttpResponse:
    context: dict[str, Any] = {
        "registration": registration,
        "rencontre": registration.rencontre,
        "token": token,
    }
    rencontre = registration.rencontre
    if not registration_attended(registration=registration):
        context["refused"] = feedback_refusal(state=FeedbackState.NOT_PRESENT)
        return render(request, "feedback/contacts.html", context, status=409)
    if rencontre.ends_at > timezone.now():
        context["refused"] = _(
            "Vous pourrez choisir les personnes avec qui rester en contact à la fin de la rencontre."
        )
        return render(request, "feedback/contacts.html", context, status=409)
    page = contact_page(registration=registration)
    choosable = [m for m in page.attendees if m.pk not in page.connected]
    form = ContactWishForm(request.POST or None, attendees=choosable, initial={"wanted": sorted(page.ticked)})
    if request.method == "POST" and form.is_valid():
        try:
            created = contact_wishes_save(registration=registration, wanted=form.cleaned_data["wanted"])
        except FeedbackRefusedError as error:
            form.add_error("wanted", error)
        else:
            if created:
                by_id = {m.pk: m for m in page.attendees}
                names = [
                    attendee_label(
                        by_id[c.member_a_id if c.member_b_id == registration.member_id else c.member_b_id]
                    )
                    for c in created
                ]
                messages.success(
                    request,
                    _("C'est réciproque : vous restez en contact avec %(names)s.")
                    % {"names": ", ".join(names)},
                )
            else:
                messages.success(request, _("Vos choix sont enregistrés."))
            return redirect(request.path)
    context.update(
        form=form,
        connected=[m for m in page.attendees if m.pk in page.connected],
        has_choices=bool(choosable),
        contact_consent=page.contact_consent,
    )
    return render(request, "feedback/contacts.html", context)


@access(PUBLIC)
@require_http_methods(["GET", "POST"])
def answer_contacts(request: HttpRequest, token: str) -> HttpResponse:
    result = registration_from_token(token)
    if result.registration is None:
        message, status = _link_problem(result)
        return render(request, "feedback/contacts.html", {"refused": message}, status=status)
    return _contacts_page(request, result.registration, token=token)


@access(MEMBER)
@require_http_methods(["GET", "POST"])
def contacts(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    registration = _member_registration(request, rencontre_id)
    if isinstance(registration, HttpResponse):
        return registration
    return _contacts_page(request, registration, token=None)


@access(MEMBER)
@require_http_methods(["GET", "POST"])
def network(request: HttpRequest) -> HttpResponse:
    """« Mon réseau » : my mutual connections, and what I share with them."""
    member = member_for_user(user=request.user)  # type: ignore[arg-type]
    if member is None:
        return redirect("onboarding:start")
    details = shared_details_of(member=member)
    form = SharedDetailsForm(request.POST or None, initial=SharedDetailsForm.initial_from(details))
    if request.method == "POST" and form.is_valid():
        shared_details_update(member=member, **form.cleaned_data)
        messages.success(request, _("Vos choix de partage sont enregistrés."))
        return redirect("feedback:network")
    context = {
        "entries": network_of(member=member),
        "form": form,
        "member": member,
        "contact_consent": consent_state(member=member)[ConsentKind.CONTACT_SHARING],
    }
    return render(request, "feedback/network.html", context)


# --- Organisers ---------------------------------------------------------------------------------


@access(STAFF)
def results(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    """Per-rencontre aggregates for the organising team; no breakdown under 5 answers, no names."""
    rencontre = get_object_or_404(Rencontre.objects.select_related("delegation"), pk=rencontre_id)
    if not rencontre_can_manage(viewer=request.user, rencontre=rencontre):  # type: ignore[arg-type]
        raise PermissionDenied
    summary = feedback_summary(rencontre=rencontre)
    return render(request, "feedback/results.html", {"rencontre": rencontre, "summary": summary})


# --- Outcomes -----------------------------------------------------------------------------------


@access(PUBLIC)
@require_http_methods(["GET", "POST"])
def outcome(request: HttpRequest, token: str) -> HttpResponse:
    """The 3- or 6-month survey (signed link), then the proposed profile change to confirm."""
    result = survey_from_token(token)
    if result.survey is None:
        message, status = _link_problem(result)
        return render(request, "feedback/outcome.html", {"refused": message}, status=status)
    survey = result.survey
    context: dict[str, Any] = {"survey": survey, "member": survey.member}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = OutcomeForm(request.POST if action == "answer" else None)
    if action == "answer":
        if form.is_valid():
            try:
                outcome_survey_answer(survey=survey, **form.answer())
            except FeedbackRefusedError as error:
                messages.info(request, " ".join(error.messages))
            return redirect(request.path)
    elif action in ("confirm", "decline"):
        updated = outcome_change_confirm(survey=survey, accept=action == "confirm")
        if action == "confirm" and updated.change_confirmed_at is not None:
            messages.success(request, _("Votre profil est à jour. Merci, et bonne continuation !"))
        else:
            messages.info(request, _("C'est noté : votre profil reste inchangé."))
        return redirect(request.path)
    context["form"] = form
    if survey.proposed_phase:
        context["proposed_phase"] = Phase(survey.proposed_phase).label
    if survey.proposed_situation:
        context["proposed_situation"] = Situation(survey.proposed_situation).label
    return render(request, "feedback/outcome.html", context)


# --- National team: learning --------------------------------------------------------------------


@access(NATIONAL)
@require_http_methods(["GET", "POST"])
def learning(request: HttpRequest) -> HttpResponse:
    """Evidence per weight and the proposed effect, beside the weights in service; nothing applied."""
    if request.method == "POST":
        created = learning_weight_set_create(created_by=request.user)  # type: ignore[arg-type]
        messages.success(
            request,
            _(
                "Version %(v)d créée à partir des retours, sans la mettre en service : comparez-la puis "
                "activez-la si vous le décidez."
            )
            % {"v": created.version},
        )
        return redirect("recommendations:weights")
    return render(request, "feedback/learning.html", {"report": learning_report()})
