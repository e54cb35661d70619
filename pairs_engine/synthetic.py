"""A deterministic synthetic population for evaluating the matching engine, with a hidden "benefit" model.

`generate(members=…, seed=…)` draws members over the 12 mainland delegations (or one) with realistic shares of
situations and phases, ROME 4.0 cadre jobs (Zipf-like popularity, targets that follow ROME mobility links,
same-domaine moves or reconversions), topics that depend on the situation and phase, French free texts built from
them, départements, formats and availability. It also keeps what profiles do not show: each member's true needs
(their sought topics plus an unstated one, and their true target jobs, some of which they did not write down) and
their willingness to help. `benefit(population, m, c)` says how much member c would really help member m if they
met — the ground truth for NDCG; the engine never sees it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from pairs_engine.matching.types import PHASES, SITUATIONS, SLOTS, Profile, RomeGraph

DATA = Path(__file__).resolve().parents[1] / "pairs" / "reference" / "data"
F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]

TOPICS: tuple[tuple[str, str], ...] = (
    ("reconversion", "ma reconversion professionnelle"),
    ("creation-reprise-entreprise", "la création ou la reprise d'une entreprise"),
    ("premier-emploi", "la recherche d'un premier emploi"),
    ("negociation-salariale", "la négociation de mon salaire"),
    ("mobilite-geographique", "une mobilité géographique"),
    ("management", "le management d'équipe"),
    ("emploi-apres-50-ans", "le retour à l'emploi après 50 ans"),
    ("freelance-portage", "le freelance et le portage salarial"),
    ("international", "une carrière à l'international"),
    ("bilan-competences", "un bilan de compétences"),
    ("formation", "le choix d'une formation"),
    ("secteur-public", "les métiers du secteur public"),
    ("transition-ecologique", "les métiers de la transition écologique"),
    ("numerique-ia", "le numérique et l'intelligence artificielle"),
    ("reseau-professionnel", "le développement de mon réseau professionnel"),
    ("entretien-embauche", "la préparation des entretiens d'embauche"),
    ("cv-profil-en-ligne", "mon CV et mon profil en ligne"),
    ("marche-cache", "l'accès au marché caché de l'emploi"),
    ("recrutement-cadres", "le recrutement de cadres"),
    ("equilibre-vie-pro-perso", "l'équilibre entre vie professionnelle et vie personnelle"),
    ("prise-de-poste", "la prise de poste"),
    ("changement-secteur", "un changement de secteur"),
    ("valorisation-competences", "la valorisation de mes compétences"),
    ("leadership", "le leadership"),
    ("handicap-emploi", "le handicap et l'emploi"),
    ("egalite-professionnelle", "l'égalité professionnelle"),
    ("reprise-etudes-vae", "la reprise d'études et la VAE"),
    ("conseil-independant", "le conseil et l'activité indépendante"),
    ("start-up", "le monde des start-up"),
    ("associations-ess", "les associations et l'économie sociale et solidaire"),
)
SLUGS = tuple(slug for slug, _p in TOPICS)
_T = {slug: i for i, slug in enumerate(SLUGS)}

# Topics a member tends to seek, by situation then phase (indices into TOPICS).
_SEEK_BY_SITUATION = {
    "employed": [
        "reconversion",
        "bilan-competences",
        "formation",
        "management",
        "changement-secteur",
        "creation-reprise-entreprise",
        "freelance-portage",
        "negociation-salariale",
        "leadership",
        "equilibre-vie-pro-perso",
        "mobilite-geographique",
        "transition-ecologique",
    ],
    "job_seeker": [
        "reseau-professionnel",
        "marche-cache",
        "entretien-embauche",
        "cv-profil-en-ligne",
        "negociation-salariale",
        "emploi-apres-50-ans",
        "reconversion",
        "valorisation-competences",
        "changement-secteur",
        "freelance-portage",
    ],
    "graduate": [
        "premier-emploi",
        "cv-profil-en-ligne",
        "entretien-embauche",
        "reseau-professionnel",
        "international",
        "start-up",
        "valorisation-competences",
        "secteur-public",
    ],
    "recruiter": ["recrutement-cadres", "egalite-professionnelle", "handicap-emploi", "numerique-ia"],
}
_SEEK_BY_PHASE = {
    "preparation": ["bilan-competences", "formation", "reprise-etudes-vae", "reconversion"],
    "transition": ["entretien-embauche", "negociation-salariale", "reseau-professionnel", "marche-cache"],
    "integration": ["prise-de-poste", "management", "leadership", "equilibre-vie-pro-perso"],
}
# Mainland delegations (regions) with a rough share of cadres, and their départements.
DELEGATION_SHARES: tuple[tuple[str, float], ...] = (
    ("ile-de-france", 0.36),
    ("auvergne-rhone-alpes", 0.12),
    ("provence-alpes-cote-d-azur", 0.07),
    ("occitanie", 0.07),
    ("nouvelle-aquitaine", 0.07),
    ("hauts-de-france", 0.06),
    ("grand-est", 0.06),
    ("pays-de-la-loire", 0.05),
    ("bretagne", 0.04),
    ("normandie", 0.04),
    ("centre-val-de-loire", 0.03),
    ("bourgogne-franche-comte", 0.03),
)
_SECTORS = (
    "62",
    "70",
    "64",
    "71",
    "46",
    "47",
    "84",
    "86",
    "85",
    "73",
    "66",
    "58",
    "26",
    "29",
    "35",
    "41",
    "52",
    "69",
    "72",
    "78",
    "10",
    "20",
    "21",
    "30",
)
_SEEK_TEMPLATES = (
    "Je cherche des conseils sur {t1} et à échanger avec des personnes du métier de {job}.",
    "J'aimerais être accompagné·e pour {t1}, et comprendre {t2}.",
    "Besoin de retours d'expérience concrets sur {t1} ; je vise un poste de {target}.",
    "Je souhaite rencontrer des cadres qui ont réussi {t1}, en particulier vers {target}.",
    "Des échanges sur {t1} et {t2} m'aideraient beaucoup.",
)
_OFFER_TEMPLATES = (
    "Je peux partager mon expérience de {job} et aider sur {t1}.",
    "J'ai vécu {t1} : je peux en parler et relire un CV de {job}.",
    "Mon parcours de {job} me permet de conseiller sur {t1} et {t2}.",
    "Je peux présenter le quotidien du métier de {job} et donner des contacts.",
    "Volontiers pour échanger sur {t1}, avec plusieurs années comme {job}.",
)


@dataclass(frozen=True)
class SyntheticPopulation:
    profiles: tuple[Profile, ...]
    rome: RomeGraph
    # Hidden truth, one row per profile (same order): needs and targets beyond what profiles say.
    needs: npt.NDArray[np.uint64]  # bit mask over TOPICS
    offers: npt.NDArray[np.uint64]
    true_targets: npt.NDArray[np.int32]  # (n, 4) ids into `codes`, −1 = none
    job: npt.NDArray[np.int32]
    phase: npt.NDArray[np.int8]
    situation: npt.NDArray[np.int8]
    departement: npt.NDArray[np.int32]
    in_person: npt.NDArray[np.bool_]
    video: npt.NDArray[np.bool_]
    availability: npt.NDArray[np.int64]
    altruism: F32
    codes: tuple[str, ...]
    mobility_keys: I64  # sorted from * len(codes) + to


def load_rome() -> tuple[RomeGraph, list[str]]:
    """The real ROME 4.0 mobility graph and the cadre job codes (from pairs/reference/data/rome)."""
    labels: dict[str, str] = {}
    cadre: list[str] = []
    with (DATA / "rome" / "metiers.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            labels[row["code_rome"]] = row["libelle_rome"]
            if row["emploi_cadre"] == "O":
                cadre.append(row["code_rome"])
    with (DATA / "rome" / "mobilites.csv").open(encoding="utf-8") as handle:
        mobility = frozenset((row["code_rome"], row["code_rome_cible"]) for row in csv.DictReader(handle))
    return RomeGraph(mobility=mobility, job_labels=labels), sorted(cadre)


def _departements() -> dict[str, list[str]]:
    slug = {
        "Île-de-France": "ile-de-france",
        "Auvergne-Rhône-Alpes": "auvergne-rhone-alpes",
        "Provence-Alpes-Côte d'Azur": "provence-alpes-cote-d-azur",
        "Occitanie": "occitanie",
        "Nouvelle-Aquitaine": "nouvelle-aquitaine",
        "Hauts-de-France": "hauts-de-france",
        "Grand Est": "grand-est",
        "Pays de la Loire": "pays-de-la-loire",
        "Bretagne": "bretagne",
        "Normandie": "normandie",
        "Centre-Val de Loire": "centre-val-de-loire",
        "Bourgogne-Franche-Comté": "bourgogne-franche-comte",
    }
    out: dict[str, list[str]] = {s: [] for s in slug.values()}
    with (DATA / "regions" / "departements.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["libelle_region"] in slug:
                out[slug[row["libelle_region"]]].append(row["code_departement"])
    return out


def _mask(indices: list[int]) -> int:
    value = 0
    for i in indices:
        value |= 1 << i
    return value


def generate(
    *, members: int, seed: int = 0, delegations: tuple[str, ...] | None = None
) -> SyntheticPopulation:
    """`members` synthetic profiles (ids 1..members) spread over `delegations` (default: the 12 mainland ones)."""
    rng = np.random.default_rng(seed)
    rome, cadre_codes = load_rome()
    codes = tuple(cadre_codes)
    code_id = {c: i for i, c in enumerate(codes)}
    n_codes = len(codes)
    out_links: list[list[int]] = [[] for _ in codes]
    keys = []
    for source, target in rome.mobility:
        if source in code_id and target in code_id:
            out_links[code_id[source]].append(code_id[target])
            keys.append(code_id[source] * n_codes + code_id[target])
    for links in out_links:
        links.sort()
    mobility_keys = np.unique(np.asarray(keys, dtype=np.int64))
    # Zipf-like job popularity over a seeded order of codes.
    popularity = 1.0 / (np.arange(n_codes) + 8.0) ** 1.1
    popularity = popularity[rng.permutation(n_codes)]
    popularity /= popularity.sum()

    chosen = delegations or tuple(name for name, _s in DELEGATION_SHARES)
    shares = np.asarray([dict(DELEGATION_SHARES).get(name, 0.05) for name in chosen])
    shares /= shares.sum()
    departements = _departements()

    n = members
    situation = rng.choice(4, size=n, p=[0.46, 0.34, 0.13, 0.07]).astype(np.int8)
    phase = rng.choice(3, size=n, p=[0.38, 0.37, 0.25]).astype(np.int8)
    job = rng.choice(n_codes, size=n, p=popularity).astype(np.int32)
    graduate = situation == SITUATIONS.index("graduate")
    job[graduate & (rng.random(n) < 0.75)] = -1
    job[rng.random(n) < 0.03] = -1
    delegation_of = rng.choice(len(chosen), size=n, p=shares)
    in_person = rng.random(n) < 0.85
    video = rng.random(n) < 0.55
    video |= ~in_person
    recommendable = rng.random(n) < 0.95
    altruism = rng.beta(2.0, 3.0, size=n).astype(np.float32)
    slot_weights = np.asarray(
        [0.5 if s.endswith("morning") else 1.0 if s.endswith("lunch") else 1.4 for s in SLOTS]
    )
    slot_weights /= slot_weights.sum()

    same_domain = [
        [c for c in range(max(0, j - 6), min(n_codes, j + 7)) if codes[c][:3] == codes[j][:3] and c != j]
        for j in range(n_codes)
    ]
    popular_draws = rng.choice(n_codes, size=(n, 4), p=popularity)
    # Weighted draws without replacement of availability slots (Gumbel top-k), all at once.
    slot_keys = np.log(slot_weights)[None, :] - np.log(-np.log(rng.random((n, len(SLOTS)))))
    slot_order = np.argsort(-slot_keys, axis=1)
    topic_draws = rng.random((n, 6))
    dep_draws = rng.random(n)
    sector_draws = np.minimum(rng.zipf(1.6, size=n), len(_SECTORS)) - 1
    dep_tables: dict[str, tuple[list[str], npt.NDArray[np.float64]]] = {}
    for deleg, deps in departements.items():
        weights = np.asarray([3.0 if d == deps[0] else 1.0 for d in deps])
        dep_tables[deleg] = (deps, np.cumsum(weights) / weights.sum())
    phrase = dict(TOPICS)
    profiles: list[Profile] = []
    needs = np.zeros(n, dtype=np.uint64)
    offers = np.zeros(n, dtype=np.uint64)
    true_targets = np.full((n, 4), -1, dtype=np.int32)
    departement = np.zeros(n, dtype=np.int32)
    availability = np.zeros(n, dtype=np.int64)
    dep_ids: dict[str, int] = {}
    uniform = rng.random((n, 16))
    for i in range(n):
        u = uniform[i]
        sit = SITUATIONS[situation[i]]
        ph = PHASES[phase[i]]
        j = int(job[i])
        # True targets: mobility links, same-domaine moves, or a reconversion anywhere.
        targets: list[int] = []
        n_targets = 1 + int(u[0] * 3)
        for t in range(n_targets):
            r = uniform[i, 1 + t]
            if sit == "recruiter":
                cand = int(popular_draws[i, t])
            elif j >= 0 and r < 0.5 and out_links[j]:
                cand = out_links[j][int(r * 2 * len(out_links[j])) % len(out_links[j])]
            elif j >= 0 and r < 0.8 and same_domain[j]:
                cand = same_domain[j][int(r * 100) % len(same_domain[j])]
            else:
                cand = int(popular_draws[i, t])
            if cand != j and cand not in targets:
                targets.append(cand)
        if ph == "integration" and sit != "recruiter" and u[4] < 0.5:
            targets = targets[:1]
        true_targets[i, : len(targets)] = targets
        written = [codes[t] for t in targets if u[5] > 0.2 or t != targets[-1]][:3]
        # Needs: from the situation and the phase, plus one the profile does not state.
        pool_s = _SEEK_BY_SITUATION[sit]
        pool_p = _SEEK_BY_PHASE[ph]
        k_seek = 1 + int(u[6] * 3)
        both = pool_s + pool_p
        sought = list(dict.fromkeys(both[int(topic_draws[i, d] * len(both))] for d in range(k_seek)))
        hidden = both[int(topic_draws[i, 3] * len(both))]
        need_ids = [_T[s] for s in sought] + [_T[hidden]]
        needs[i] = np.uint64(_mask(need_ids))
        # Offers: what they have been through (earlier phases' topics) and their job's know-how.
        offer_pool = list(pool_s)
        if ph != "preparation":
            offer_pool += _SEEK_BY_PHASE["preparation"]
        if ph == "integration":
            offer_pool += _SEEK_BY_PHASE["transition"]
        if sit == "recruiter":
            offer_pool += [
                "entretien-embauche",
                "cv-profil-en-ligne",
                "negociation-salariale",
                "marche-cache",
            ]
        if sit == "employed":
            offer_pool += ["management", "leadership", "prise-de-poste"]
        k_offer = int(u[7] * 4) if sit != "graduate" else int(u[7] * 2)
        offered = list(
            dict.fromkeys(
                offer_pool[int(((topic_draws[i, 4] + 0.37 * d) % 1.0) * len(offer_pool))]
                for d in range(k_offer)
            )
        )
        offers[i] = np.uint64(_mask([_T[s] for s in offered]))
        # Place and time.
        deleg = chosen[int(delegation_of[i])]
        deps, cumulative = dep_tables[deleg]
        dep = deps[min(int(np.searchsorted(cumulative, dep_draws[i])), len(deps) - 1)]
        departement[i] = dep_ids.setdefault(dep, len(dep_ids))
        slots = slot_order[i, : 2 + int(u[8] * 5)].tolist()
        availability[i] = _mask(slots)
        # Texts, from the true situation (so text carries signal the structured fields partly miss).
        job_label = rome.job_labels.get(codes[j], "cadre") if j >= 0 else "jeune diplômé·e"
        target_label = (
            rome.job_labels.get(codes[targets[0]], "nouveau métier") if targets else "nouveau métier"
        )
        seek_topics = [phrase[s] for s in [*sought, hidden]]
        seeking = (
            ""
            if u[9] < 0.1
            else _SEEK_TEMPLATES[int(u[10] * len(_SEEK_TEMPLATES))].format(
                t1=seek_topics[0], t2=seek_topics[-1], job=job_label, target=target_label
            )
        )
        offer_topics = [phrase[s] for s in offered] or [f"le métier de {job_label}"]
        offering = (
            ""
            if u[11] < 0.15
            else _OFFER_TEMPLATES[int(u[12] * len(_OFFER_TEMPLATES))].format(
                t1=offer_topics[0], t2=offer_topics[-1], job=job_label
            )
        )
        sector = _SECTORS[int(sector_draws[i])]
        profiles.append(
            Profile(
                id=i + 1,
                situation=sit,
                phase=ph,
                departement=dep,
                delegation=deleg,
                current_job=codes[j] if j >= 0 else None,
                target_jobs=tuple(written),
                sector=sector if j >= 0 else None,
                target_sector=_SECTORS[int(u[13] * len(_SECTORS))] if u[14] < 0.3 else None,
                topics_sought=frozenset(sought),
                topics_offered=frozenset(offered),
                seeking_text=seeking,
                offering_text=offering,
                in_person=bool(in_person[i]),
                video=bool(video[i]),
                availability=frozenset(SLOTS[s] for s in slots),
                recommendable=bool(recommendable[i]),
            )
        )
    return SyntheticPopulation(
        profiles=tuple(profiles),
        rome=rome,
        needs=needs,
        offers=offers,
        true_targets=true_targets,
        job=job,
        phase=phase,
        situation=situation,
        departement=departement,
        in_person=in_person,
        video=video,
        availability=availability,
        altruism=altruism,
        codes=codes,
        mobility_keys=mobility_keys,
    )


def benefit(population: SyntheticPopulation, m: I64, c: I64) -> F32:
    """Hidden ground truth: how much candidate rows `c` would help member rows `m` (≥ 0), if they met.

    help(m ← c) = 3 if c holds a job m truly targets and is in a later phase (1.5 through a ROME mobility link),
    + 1 per true need of m that c can offer (at most 2), + 1 for peers in the same situation and phase
    (+0.5 in the same domaine), + 2 when c recruits for m's job or targets; then damped when they cannot meet
    (no common slot, or neither a shared département nor both open to video). The pair's value also depends
    on c accepting: × (0.3 + 0.7 · min(1, help(c ← m) / 2 + altruism of c))."""
    forward = _help(population, m, c)
    backward = _help(population, c, m)
    accept = 0.3 + 0.7 * np.minimum(1.0, backward / 2.0 + population.altruism[c])
    same = m == c
    return np.where(same, 0.0, forward * accept).astype(np.float32)


def _help(p: SyntheticPopulation, m: I64, c: I64) -> F32:
    n_codes = len(p.codes)
    job_c, job_m = p.job[c], p.job[m]
    later = p.phase[c] > p.phase[m]
    holds_target = (p.true_targets[m] == job_c[:, None]).any(axis=1) & (job_c >= 0)
    keys = job_m.astype(np.int64) * n_codes + job_c
    pos = np.minimum(np.searchsorted(p.mobility_keys, keys), max(p.mobility_keys.size - 1, 0))
    linked = (
        (p.mobility_keys[pos] == keys) & (job_m >= 0) & (job_c >= 0) if p.mobility_keys.size else job_m < -1
    )
    value = later * np.where(holds_target, 3.0, np.where(linked, 1.5, 0.0))
    value = value + np.minimum(np.bitwise_count(p.needs[m] & p.offers[c]).astype(np.float64), 2.0)
    peers = (p.situation[m] == p.situation[c]) & (p.phase[m] == p.phase[c])
    same_domain = _same_domain(p, job_m, job_c)
    value = value + peers * (1.0 + 0.5 * same_domain)
    recruiter = SITUATIONS.index("recruiter")
    rec_c = (p.situation[c] == recruiter) & (p.situation[m] != recruiter)
    recruits = (
        (
            p.true_targets[c][:, :, None]
            == np.concatenate([job_m[:, None], p.true_targets[m]], axis=1)[:, None, :]
        )
        & (p.true_targets[c][:, :, None] >= 0)
    ).any(axis=(1, 2))
    value = value + 2.0 * (rec_c & recruits)
    meet_time = (p.availability[m] & p.availability[c]) > 0
    meet_place = ((p.departement[m] == p.departement[c]) & p.in_person[m] & p.in_person[c]) | (
        p.video[m] & p.video[c]
    )
    value = value * np.where(meet_time & meet_place, 1.0, 0.3)
    result: F32 = np.asarray(value, dtype=np.float32)
    return result


def _same_domain(
    p: SyntheticPopulation, a: npt.NDArray[np.int32], b: npt.NDArray[np.int32]
) -> npt.NDArray[np.bool_]:
    domain_of = {d: i for i, d in enumerate(sorted({c[:3] for c in p.codes}))}
    table = np.asarray([domain_of[c[:3]] for c in p.codes] + [-1], dtype=np.int32)
    da, db = table[a], table[b]
    result: npt.NDArray[np.bool_] = (da == db) & (da >= 0)
    return result
