"""The columns of a contact file and the checks each row goes through.

Pure Python on plain lookups (``References``, loaded once per import by
``selectors.import_references_load``): validating 50,000 rows costs no query.
Each rejected row gets French reasons naming the column and the value.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from pairs.members.models import Phase, Situation, phone_normalise, validate_linkedin_url
from pairs_engine.text import fold


@dataclass(frozen=True)
class ImportField:
    key: str  # the French header of the template
    label: Any
    help: Any
    required: bool = False
    synonyms: tuple[str, ...] = ()


FIELDS: tuple[ImportField, ...] = (
    ImportField("prenom", _("Prénom"), _("Obligatoire."), True, ("first name", "firstname", "prenoms")),
    ImportField(
        "nom", _("Nom"), _("Obligatoire."), True, ("nom de famille", "last name", "lastname", "name")
    ),
    ImportField(
        "email",
        _("Adresse email"),
        _("Obligatoire ; sert à reconnaître une personne déjà importée."),
        True,
        ("e mail", "mail", "courriel", "adresse email", "adresse mail", "adresse e mail"),
    ),
    ImportField(
        "departement",
        _("Département"),
        _("Code INSEE (75, 2A, 974…) ; la délégation en découle."),
        False,
        ("dept", "dep", "code departement", "departement de residence"),
    ),
    ImportField(
        "situation",
        _("Situation"),
        _("Code ou libellé : en poste, en recherche d'emploi, jeune diplômé·e, recruteur·rice."),
        True,
        ("statut", "situation professionnelle"),
    ),
    ImportField(
        "etape",
        _("Étape de la transition"),
        _("Préparation, transition ou intégration."),
        True,
        ("phase", "etape de la transition", "etape de transition"),
    ),
    ImportField(
        "metier",
        _("Métier"),
        _("Intitulé de poste (appellation ROME) ou code ROME (ex. M1403)."),
        False,
        ("metier actuel", "poste", "intitule de poste", "code rome", "appellation", "emploi", "fonction"),
    ),
    ImportField(
        "secteur",
        _("Secteur"),
        _("Code de division NAF à 2 chiffres (ex. 62)."),
        False,
        ("naf", "code naf", "secteur d activite", "division naf"),
    ),
    ImportField(
        "telephone",
        _("Téléphone"),
        _("Numéro français (06 12 34 56 78 ou +33 6 12 34 56 78)."),
        False,
        ("tel", "portable", "mobile", "phone", "numero de telephone"),
    ),
    ImportField(
        "linkedin",
        _("Profil LinkedIn"),
        _("Adresse https://www.linkedin.com/in/…"),
        False,
        ("profil linkedin", "url linkedin", "lien linkedin"),
    ),
    ImportField(
        "consentement_recommandations",
        _("Consentement : recommandations"),
        _("oui/non — ne peut pas être enregistré depuis un fichier : le membre le confirme à l'activation."),
        False,
        ("recommandations",),
    ),
    ImportField(
        "consentement_statistiques",
        _("Consentement : statistiques"),
        _("oui/non — enregistré tel quel."),
        False,
        ("statistiques",),
    ),
    ImportField(
        "consentement_emails",
        _("Consentement : emails sur les rencontres"),
        _("oui/non — enregistré tel quel."),
        False,
        ("emails", "consentement email"),
    ),
)
FIELD_KEYS = tuple(f.key for f in FIELDS)
REQUIRED_KEYS = tuple(f.key for f in FIELDS if f.required)

_YES = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
_NO = {"non", "n", "no", "faux", "false", "0"}

_SITUATION_ALIASES = {
    "en poste": Situation.EMPLOYED,
    "cadre en poste": Situation.EMPLOYED,
    "salarie": Situation.EMPLOYED,
    "en recherche": Situation.JOB_SEEKER,
    "en recherche d emploi": Situation.JOB_SEEKER,
    "recherche d emploi": Situation.JOB_SEEKER,
    "demandeur d emploi": Situation.JOB_SEEKER,
    "jeune diplome": Situation.GRADUATE,
    "jeune diplomee": Situation.GRADUATE,
    "jeune diplome e": Situation.GRADUATE,
    "recruteur": Situation.RECRUITER,
    "recruteuse": Situation.RECRUITER,
    "recruteur rice": Situation.RECRUITER,
    "entreprise": Situation.RECRUITER,
}


def _choice_lookup(choices: type[Any], aliases: dict[str, Any] | None = None) -> dict[str, str]:
    lookup = {fold(str(value)): str(value) for value in choices.values}
    for value, label in choices.choices:
        lookup[fold(str(label))] = str(value)
    for alias, value in (aliases or {}).items():
        lookup[alias] = str(value)
    return lookup


SITUATIONS = _choice_lookup(Situation, _SITUATION_ALIASES)
PHASES = _choice_lookup(Phase)


def mapping_suggest(*, headers: list[str]) -> dict[str, int | None]:
    """For each field, the column whose header looks most like it (accent- and
    case-insensitive), or None; a column is proposed for one field at most."""
    candidates: list[tuple[float, int, str, int]] = []
    for order, spec in enumerate(FIELDS):
        names = {fold(spec.key), fold(str(spec.label)), *spec.synonyms}
        for index, header in enumerate(headers):
            folded = fold(header)
            if not folded:
                continue
            score = (
                1.0
                if folded in names
                else max(difflib.SequenceMatcher(None, folded, n).ratio() for n in names)
            )
            if score >= 0.8:
                candidates.append((score, -order, spec.key, index))
    mapping: dict[str, int | None] = dict.fromkeys(FIELD_KEYS)
    used: set[int] = set()
    for _score, _order, key, index in sorted(candidates, reverse=True):
        if mapping[key] is None and index not in used:
            mapping[key] = index
            used.add(index)
    return mapping


@dataclass
class References:
    """What the checks need from the reference tables, as plain dictionaries."""

    departements: dict[str, str]  # code -> code, also folded label -> code
    delegation_by_departement: dict[str, int | None]
    naf_divisions: set[str]
    rome_codes: set[str]
    # folded job title -> ROME code (appellations and ROME job labels)
    titles: dict[str, str]
    # label shown in suggestions, per folded title
    title_labels: dict[str, str]
    _token_index: dict[str, list[str]] = field(default_factory=dict)
    _suggestions: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        index: dict[str, list[str]] = defaultdict(list)
        for title in self.titles:
            for token in set(title.split()):
                if len(token) > 2:
                    index[token].append(title)
        self._token_index = dict(index)

    def job_suggestions(self, folded: str, *, limit: int = 3) -> list[str]:
        """The closest job titles: candidates share a word, ranked by difflib's ratio."""
        if folded in self._suggestions:
            return self._suggestions[folded]
        tokens = {t for t in folded.split() if len(t) > 2}
        shared: dict[str, int] = defaultdict(int)
        for token in tokens:
            for title in self._token_index.get(token, ()):
                shared[title] += 1
        pool = sorted(shared, key=lambda t: -shared[t])[:300] if shared else list(self.titles)[:0]
        ranked = sorted(
            pool, key=lambda t: (-shared[t], -difflib.SequenceMatcher(None, folded, t).ratio(), t)
        )
        if not ranked:
            ranked = difflib.get_close_matches(folded, list(self.titles), n=limit, cutoff=0.6)
        result = [f"{self.title_labels[t]} ({self.titles[t]})" for t in ranked[:limit]]
        self._suggestions[folded] = result
        return result


@dataclass
class RowResult:
    line: int
    cells: list[str]
    values: dict[str, Any] | None = None  # cleaned values when valid
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def email_normalise(value: str) -> str:
    return value.strip().lower()


def duplicate_lines(
    *, rows: Iterable[tuple[int, list[str]]], email_column: int | None
) -> dict[int, list[int]]:
    """Line -> the other lines carrying the same normalised email (only lines with duplicates)."""
    if email_column is None:
        return {}
    by_email: dict[str, list[int]] = defaultdict(list)
    for line, cells in rows:
        email = email_normalise(cells[email_column])
        if email:
            by_email[email].append(line)
    duplicates: dict[int, list[int]] = {}
    for lines in by_email.values():
        if len(lines) > 1:
            for line in lines:
                duplicates[line] = [other for other in lines if other != line]
    return duplicates


def _consent(value: str, label: str, errors: list[str]) -> bool | None:
    folded = fold(value)
    if not folded:
        return None
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    errors.append(
        str(_("%(column)s : « %(value)s » n'est ni oui ni non.") % {"column": label, "value": value})
    )
    return None


def row_check(
    *,
    line: int,
    cells: list[str],
    mapping: dict[str, int | None],
    references: References,
    duplicates: dict[int, list[int]],
    erased_emails: set[str] | None = None,
) -> RowResult:
    """Check one row; the values are ready for the services when it is valid."""

    def cell(key: str) -> str:
        index = mapping.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    errors: list[str] = []
    values: dict[str, Any] = {}
    for key, label in (("prenom", _("prénom")), ("nom", _("nom"))):
        text = cell(key)
        if not text:
            errors.append(str(_("%(column)s manquant.") % {"column": label}))
        elif len(text) > 100:
            errors.append(str(_("%(column)s trop long (100 caractères au plus).") % {"column": label}))
        values[key] = text

    email = email_normalise(cell("email"))
    if not email:
        errors.append(str(_("email manquant.")))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                str(_("email : « %(value)s » n'est pas une adresse valide.") % {"value": cell("email")})
            )
        else:
            if line in duplicates:
                others = ", ".join(str(other) for other in duplicates[line])
                errors.append(str(_("email : doublon de la ligne %(lines)s.") % {"lines": others}))
            if erased_emails is not None and email in erased_emails:
                errors.append(
                    str(
                        _(
                            "email : cette personne a demandé l'effacement de ses données ; elle ne peut "
                            "revenir qu'en s'inscrivant elle-même."
                        )
                    )
                )
    values["email"] = email

    departement = cell("departement")
    values["departement"] = None
    if departement:
        code = departement.upper().zfill(2) if departement.isdigit() else departement.upper()
        found = references.departements.get(code) or references.departements.get(fold(departement))
        if found is None:
            errors.append(str(_("département : « %(value)s » est inconnu.") % {"value": departement}))
        values["departement"] = found

    for key, label, lookup in (("situation", _("situation"), SITUATIONS), ("etape", _("étape"), PHASES)):
        text = cell(key)
        if not text:
            errors.append(str(_("%(column)s manquante.") % {"column": label}))
            continue
        value = lookup.get(fold(text))
        if value is None:
            errors.append(
                str(_("%(column)s : « %(value)s » est inconnue.") % {"column": label, "value": text})
            )
        values[key] = value

    job = cell("metier")
    values["metier"] = None
    if job:
        code = job.upper()
        folded = fold(job)
        if code in references.rome_codes:
            values["metier"] = code
        elif folded in references.titles:
            values["metier"] = references.titles[folded]
        else:
            suggestions = references.job_suggestions(folded)
            if suggestions:
                errors.append(
                    str(
                        _("métier : « %(value)s » introuvable ; proches : %(suggestions)s.")
                        % {"value": job, "suggestions": " ; ".join(suggestions)}
                    )
                )
            else:
                errors.append(str(_("métier : « %(value)s » introuvable dans le ROME.") % {"value": job}))

    sector = cell("secteur")
    values["secteur"] = None
    if sector:
        code = sector.zfill(2) if sector.isdigit() else sector
        if code in references.naf_divisions:
            values["secteur"] = code
        else:
            errors.append(
                str(_("secteur : « %(value)s » n'est pas une division NAF connue.") % {"value": sector})
            )

    try:
        values["telephone"] = phone_normalise(cell("telephone"))
    except ValidationError as error:
        errors.append(str(_("téléphone : %(reason)s") % {"reason": error.messages[0]}))
    linkedin = cell("linkedin")
    try:
        validate_linkedin_url(linkedin)
        values["linkedin"] = linkedin
    except ValidationError as error:
        errors.append(str(_("LinkedIn : %(reason)s") % {"reason": error.messages[0]}))

    for key in ("consentement_recommandations", "consentement_statistiques", "consentement_emails"):
        values[key] = _consent(cell(key), key, errors)

    values["_line"], values["_cells"] = line, cells  # to report a failure found later
    return RowResult(line=line, cells=cells, values=None if errors else values, errors=errors)
