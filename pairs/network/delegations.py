"""The 12 Apec regional delegations and the régions (INSEE codes) each one covers.

One delegation per metropolitan région, except Corse (94), which the delegation of
Provence-Alpes-Côte d'Azur (93) covers: 13 régions, 12 delegations.

Overseas régions (01 Guadeloupe, 02 Martinique, 03 Guyane, 04 La Réunion,
06 Mayotte) have no delegation, on purpose: no delegation covers their
départements, and `delegation_for_departement` returns None for them.

`pairs.network.services.delegations_sync` writes this table to the database.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DelegationSpec:
    code: str
    name: str
    region_codes: tuple[str, ...]


DELEGATIONS: tuple[DelegationSpec, ...] = (
    DelegationSpec("auvergne-rhone-alpes", "Apec Auvergne-Rhône-Alpes", ("84",)),
    DelegationSpec("bourgogne-franche-comte", "Apec Bourgogne-Franche-Comté", ("27",)),
    DelegationSpec("bretagne", "Apec Bretagne", ("53",)),
    DelegationSpec("centre-val-de-loire", "Apec Centre-Val de Loire", ("24",)),
    DelegationSpec("grand-est", "Apec Grand Est", ("44",)),
    DelegationSpec("hauts-de-france", "Apec Hauts-de-France", ("32",)),
    DelegationSpec("ile-de-france", "Apec Île-de-France", ("11",)),
    DelegationSpec("normandie", "Apec Normandie", ("28",)),
    DelegationSpec("nouvelle-aquitaine", "Apec Nouvelle-Aquitaine", ("75",)),
    DelegationSpec("occitanie", "Apec Occitanie", ("76",)),
    DelegationSpec("pays-de-la-loire", "Apec Pays de la Loire", ("52",)),
    # Corse has no delegation of its own.
    DelegationSpec("paca-corse", "Apec Provence-Alpes-Côte d'Azur et Corse", ("93", "94")),
)
