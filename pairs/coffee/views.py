"""Pages of the peer-coffee programme: « Mon café entre pairs » (members), answers by signed link, staff rounds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pairs.accounts.models import DELEGATION_ROLES
from pairs.core.access import DELEGATION_STAFF, MEMBER, PUBLIC, STAFF, access
from pairs.meetings.selectors import member_for_user
from pairs.members.models import Member
from pairs.network.models import Delegation
from pairs.privacy.models import ConsentKind
from pairs.privacy.selectors import consent_state

from .forms import OptInForm, RunForm
from .links import ANSWERS, participant_from_token
from .models import CoffeeParticipant, Outcome
from .notifications import format_sentence, slot_sentence
from .selectors import (
    NATIONAL_POOL,
    coffee_is_waiting,
    coffee_opt_in_for,
    coffee_pairings_for,
    coffee_participant_for,
    coffee_pool_members,
    coffee_round_list,
)
from .services import (
    CoffeeError,
    coffee_opt_in,
    coffee_opt_out,
    coffee_outcome_record,
    coffee_share_email_set,
)
from .tasks import coffee_round


def _member(request: HttpRequest) -> Member | None:
    return member_for_user(user=request.user)  # type: ignore[arg-type]


# --- Members ----------------------------------------------------------------------------------


def _home_context(member: Member, form: OptInForm | None = None) -> dict[str, Any]:
    opt_in = coffee_opt_in_for(member=member)
    if form is None:
        initial = {"frequency": opt_in.frequency, "share_email": opt_in.share_email} if opt_in else {}
        form = OptInForm(initial=initial)
    pairings = coffee_pairings_for(member=member)
    for view in pairings:
        view.format_text = format_sentence(view.participant.pairing)  # type: ignore[attr-defined]
        view.slot_text = slot_sentence(view.participant.pairing)  # type: ignore[attr-defined]
    consents = consent_state(member=member)
    return {
        "member": member,
        "opt_in": opt_in,
        "form": form,
        "current": pairings[0] if pairings else None,
        "past": pairings[1:],
        "waiting": coffee_is_waiting(member=member),
        "has_consent": consents[ConsentKind.RECOMMENDATIONS],
        "contact_consent": consents[ConsentKind.CONTACT_SHARING],
        "national_pool": member.delegation_id is None,
    }


@access(MEMBER)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if member is None:
        return redirect("onboarding:start")
    return render(request, "coffee/home.html", _home_context(member))


@access(MEMBER)
@require_POST
def opt_in(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if member is None:
        return redirect("onboarding:start")
    form = OptInForm(request.POST)
    if form.is_valid():
        try:
            coffee_opt_in(
                member=member,
                frequency=form.cleaned_data["frequency"],
                share_email=form.cleaned_data["share_email"],
                now=timezone.now(),
            )
        except CoffeeError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "C'est noté : vous participez au café entre pairs. La prochaine proposition arrive par email."
                ),
            )
            return redirect("coffee:home")
    return render(request, "coffee/home.html", _home_context(member, form), status=400)


@access(MEMBER)
@require_POST
def opt_out(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if member is None:
        return redirect("onboarding:start")
    coffee_opt_out(member=member, now=timezone.now())
    messages.success(request, _("C'est noté : vous ne recevrez plus de proposition de café entre pairs."))
    return redirect("coffee:home")


def _own_participant(request: HttpRequest, participant_id: int) -> CoffeeParticipant:
    member = _member(request)
    participant = coffee_participant_for(member=member, participant_id=participant_id) if member else None
    if participant is None:
        raise Http404
    return participant


@access(MEMBER)
@require_POST
def outcome(request: HttpRequest, participant_id: int, answer: str) -> HttpResponse:
    if answer not in ANSWERS:
        raise Http404
    participant = _own_participant(request, participant_id)
    if coffee_outcome_record(participant=participant, outcome=answer, now=timezone.now()):
        messages.success(request, _("Merci, votre réponse est enregistrée."))
    else:
        messages.info(
            request,
            _("Vous aviez déjà répondu pour ce binôme (« %(answer)s ») : votre réponse n'a pas changé.")
            % {"answer": participant.get_outcome_display()},
        )
    return redirect("coffee:home")


@access(MEMBER)
@require_POST
def share(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = _own_participant(request, participant_id)
    wanted = request.POST.get("share") == "1"
    coffee_share_email_set(participant=participant, share=wanted)
    messages.success(
        request,
        _("Votre adresse sera visible de votre binôme dès qu'il ou elle partage aussi la sienne.")
        if wanted
        else _("Votre adresse n'est plus partagée avec ce binôme."),
    )
    return redirect("coffee:home")


# --- Signed link from the email ---------------------------------------------------------------


@access(PUBLIC)
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str, answer: str) -> HttpResponse:
    """GET shows a button to confirm (mail scanners open links); its POST records the answer."""
    if answer not in ANSWERS:
        raise Http404
    participant = participant_from_token(token)
    context: dict[str, Any] = {"answer": answer, "token": token, "participant": participant}
    if participant is None:
        context["refused"] = _(
            "Ce lien n'est pas valide ou a expiré. Répondez depuis la page « Mon café entre pairs »."
        )
        return render(request, "coffee/answer.html", context, status=400)
    if participant.outcome != Outcome.PENDING:
        context["already"] = participant.get_outcome_display()
        return render(request, "coffee/answer.html", context)
    if request.method == "POST":
        if coffee_outcome_record(participant=participant, outcome=answer, now=timezone.now()):
            context["done"] = True
        else:
            context["already"] = participant.get_outcome_display()
    return render(request, "coffee/answer.html", context)


# --- Staff ------------------------------------------------------------------------------------


@access(STAFF)
@require_GET
def staff_index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.role in DELEGATION_ROLES:
        consultant = getattr(user, "consultant", None)
        if consultant is None:
            raise PermissionDenied
        return redirect("coffee:rounds", delegation_code=consultant.delegation.code)
    pools: list[dict[str, Any]] = []
    for delegation in [*Delegation.objects.order_by("name"), None]:
        pools.append(
            {
                "code": delegation.code if delegation else NATIONAL_POOL,
                "name": delegation.name if delegation else _("National (visio, membres sans délégation)"),
                "members": coffee_pool_members(delegation=delegation).count(),
                "last": coffee_round_list(delegation=delegation).first(),
            }
        )
    return render(request, "coffee/staff_index.html", {"pools": pools})


def _pool(delegation_code: str) -> tuple[Delegation | None, str]:
    if delegation_code == NATIONAL_POOL:
        return None, _("National (visio, membres sans délégation)")
    delegation = get_object_or_404(Delegation, code=delegation_code)
    return delegation, delegation.name


@access(DELEGATION_STAFF)
@require_GET
def rounds(request: HttpRequest, delegation_code: str) -> HttpResponse:
    delegation, name = _pool(delegation_code)
    context = {
        "delegation_code": delegation_code,
        "pool_name": name,
        "rounds": list(coffee_round_list(delegation=delegation)[:36]),
        "members": coffee_pool_members(delegation=delegation).count(),
        "form": RunForm(),
    }
    return render(request, "coffee/rounds.html", context)


@access(DELEGATION_STAFF)
@require_POST
def run(request: HttpRequest, delegation_code: str) -> HttpResponse:
    delegation, _name = _pool(delegation_code)
    form = RunForm(request.POST)
    odd_policy = form.cleaned_data["odd_policy"] if form.is_valid() else "trio"
    coffee_round.enqueue(
        delegation_id=delegation.pk if delegation else None,
        odd_policy=odd_policy,
        triggered_by_id=request.user.pk,
    )
    messages.success(
        request,
        _(
            "Tour lancé : les binômes seront formés par un worker et prévenus par email. Rechargez la page dans un instant."
        ),
    )
    return redirect("coffee:rounds", delegation_code=delegation_code)
