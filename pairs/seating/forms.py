from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pairs.onboarding.forms import AccessibleForm


class SeatingForm(AccessibleForm):
    table_size = forms.IntegerField(label=_("Personnes par table"), min_value=2, max_value=12, initial=4)
    rounds = forms.IntegerField(label=_("Nombre de tours"), min_value=1, max_value=20, initial=3)
    step_ahead_at_each_table = forms.BooleanField(
        label=_("Au moins une personne « un pas d'avance » (étape intégration) par table"),
        required=False,
        initial=True,
    )
    recruiters_spread = forms.BooleanField(
        label=_("Recruteur·rices réparti·es : au plus un·e par table"), required=False, initial=True
    )
    situations_mixed = forms.BooleanField(
        label=_("Mélanger les situations : aucune n'occupe plus de trois places sur cinq à une table"),
        required=False,
    )


class ReplanForm(AccessibleForm):
    played_rounds = forms.IntegerField(
        label=_("Tours déjà joués (gardés tels quels)"),
        min_value=0,
        max_value=20,
        help_text=_(
            "Les absent·es pointé·es sont retiré·es, les personnes venues sans inscription ajoutées."
        ),
    )
