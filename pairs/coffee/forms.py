from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pairs.onboarding.forms import AccessibleForm

from .models import Frequency, OddPolicy


class OptInForm(AccessibleForm):
    frequency = forms.TypedChoiceField(
        label=_("À quel rythme ?"),
        choices=Frequency.choices,
        coerce=int,
        initial=Frequency.MONTHLY,
        widget=forms.RadioSelect,
    )
    share_email = forms.BooleanField(
        label=_(
            "Je partage mon adresse email avec mon binôme, quand il ou elle la partage aussi "
            "(je pourrai changer d'avis à chaque binôme)"
        ),
        required=False,
    )


class RunForm(AccessibleForm):
    odd_policy = forms.ChoiceField(
        label=_("Si le nombre de participant·es est impair"),
        choices=OddPolicy.choices,
        initial=OddPolicy.TRIO,
        widget=forms.RadioSelect,
    )
