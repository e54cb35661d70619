"""Finding members: filters, full-text search (both databases), visibility, pagination."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pairs.accounts.models import User
from pairs.contacts.models import Contact, ContactBasis
from pairs.members import search, views
from pairs.members.models import Member, Phase, Situation
from pairs.members.search import member_search_index_rebuild, search_words
from pairs.members.selectors import MemberSearchFilters, member_search
from pairs.members.services import member_create, member_update_profile
from pairs.privacy.models import ConsentKind, ConsentRecord, ConsentSource, ConsentWording
from pairs.reference.models import Departement
from tests.factories import (
    DepartementFactory,
    MemberFactory,
    RomeDomaineFactory,
    RomeGrandDomaineFactory,
    RomeMetierFactory,
    TopicFactory,
)
from tests.fixtures import World


def _search(viewer: User, **filters: str) -> list[Member]:
    return list(member_search(viewer=viewer, filters=MemberSearchFilters(**filters)))


def _names(members: list[Member]) -> list[str]:
    return [m.last_name for m in members]


@pytest.fixture
def paris(world: World) -> Departement:
    return Departement.objects.get(code="75")


def _home_member(world: World, paris: Departement, last_name: str, **fields: object) -> Member:
    return MemberFactory(last_name=last_name, departement=paris, delegation=world.home, **fields)


# --- Filters -----------------------------------------------------------------------------------


def test_situation_and_phase_filters_narrow(world: World, paris: Departement) -> None:
    _home_member(world, paris, "Diplomee", situation=Situation.GRADUATE, phase=Phase.PREPARATION)
    _home_member(world, paris, "Recruteur", situation=Situation.RECRUITER, phase=Phase.INTEGRATION)
    viewer = world.national
    assert _names(_search(viewer, situation=Situation.GRADUATE)) == ["Diplomee"]
    assert _names(_search(viewer, phase=Phase.INTEGRATION)) == ["Recruteur"]
    assert _search(viewer, situation=Situation.GRADUATE, phase=Phase.INTEGRATION) == []


def test_rome_filter_by_domaine_or_grand_domaine(world: World, paris: Departement) -> None:
    marketing = RomeMetierFactory(code="M1705", domaine=RomeDomaineFactory(code="M17"))
    rh = RomeMetierFactory(code="M1503", domaine=RomeDomaineFactory(code="M15"))
    industry = RomeMetierFactory(
        code="H1206",
        domaine=RomeDomaineFactory(
            code="H12", grand_domaine=RomeGrandDomaineFactory(code="H", label="Industrie")
        ),
    )
    _home_member(world, paris, "Marketing", current_job=marketing)
    _home_member(world, paris, "Rh", current_job=rh)
    _home_member(world, paris, "Industrie", current_job=industry)
    viewer = world.national
    assert _names(_search(viewer, rome="M17")) == ["Marketing"]
    assert _names(_search(viewer, rome="M")) == ["Marketing", "Rh"]
    assert _names(_search(viewer, rome="H")) == ["Industrie"]


def test_departement_filter(world: World, paris: Departement) -> None:
    hauts_de_seine = DepartementFactory(code="92", label="Hauts-de-Seine", region=paris.region)
    _home_member(world, paris, "Parisien")
    MemberFactory(last_name="Altosequanais", departement=hauts_de_seine, delegation=world.home)
    assert _names(_search(world.consultant_same, departement="92")) == ["Altosequanais"]


def test_topic_filter_sought_offered_or_either(world: World, paris: Departement) -> None:
    topic = TopicFactory(slug="test-reseau", label="Réseau (test)")
    seeker = _home_member(world, paris, "Chercheur")
    offerer = _home_member(world, paris, "Donneur")
    both = _home_member(world, paris, "Lesdeux")
    _home_member(world, paris, "Aucun")
    seeker.topics_sought.add(topic)
    offerer.topics_offered.add(topic)
    both.topics_sought.add(topic)
    both.topics_offered.add(topic)
    viewer = world.national
    assert _names(_search(viewer, topic=topic.slug, topic_role="sought")) == ["Chercheur", "Lesdeux"]
    assert _names(_search(viewer, topic=topic.slug, topic_role="offered")) == ["Donneur", "Lesdeux"]
    # Either: each member once, even the one who both seeks and offers it.
    assert _names(_search(viewer, topic=topic.slug)) == ["Chercheur", "Donneur", "Lesdeux"]


def test_consent_filter_keeps_members_whose_latest_record_is_a_grant(
    world: World, paris: Departement
) -> None:
    wording = ConsentWording.objects.create(kind=ConsentKind.RECOMMENDATIONS, version="test", text="…")
    granted = _home_member(world, paris, "Accorde")
    revoked = _home_member(world, paris, "Retire")
    _home_member(world, paris, "Jamais")
    for member, states in ((granted, [True]), (revoked, [True, False])):
        for position, state in enumerate(states):
            ConsentRecord.objects.create(
                member=member,
                kind=ConsentKind.RECOMMENDATIONS,
                granted=state,
                wording=wording,
                source=ConsentSource.PROFILE,
                recorded_at=member.created_at.replace(microsecond=position),
            )
    assert _names(_search(world.national, consent=ConsentKind.RECOMMENDATIONS)) == ["Accorde"]


def test_consent_filter_follows_the_privacy_rule_for_every_history(world: World, paris: Departement) -> None:
    """The consent filter is privacy's rule (the latest record decides, then the latest id)."""
    from pairs.privacy.selectors import members_with_consent

    wording = ConsentWording.objects.create(kind=ConsentKind.RECOMMENDATIONS, version="test", text="…")
    other = ConsentWording.objects.create(kind=ConsentKind.STATISTICS, version="test", text="…")
    histories: dict[str, list[tuple[bool, int]]] = {
        "Accorde": [(True, 0)],
        "Retire": [(True, 0), (False, 1)],
        "Reaccorde": [(True, 0), (False, 1), (True, 2)],
        # Same instant: the later row (higher id) decides, as in the privacy selector.
        "Memeinstantretire": [(True, 0), (False, 0)],
        "Memeinstantaccorde": [(False, 0), (True, 0)],
        "Jamais": [],
    }
    for last_name, history in histories.items():
        member = _home_member(world, paris, last_name)
        for granted, micro in history:
            ConsentRecord.objects.create(
                member=member, kind=ConsentKind.RECOMMENDATIONS, granted=granted, wording=wording,
                source=ConsentSource.PROFILE, recorded_at=member.created_at.replace(microsecond=micro),
            )  # fmt: skip
    # Another kind granted does not count.
    statistics_only = _home_member(world, paris, "Autretype")
    ConsentRecord.objects.create(
        member=statistics_only, kind=ConsentKind.STATISTICS, granted=True, wording=other,
        source=ConsentSource.PROFILE, recorded_at=statistics_only.created_at,
    )  # fmt: skip
    found = _names(_search(world.national, consent=ConsentKind.RECOMMENDATIONS))
    assert found == ["Accorde", "Memeinstantaccorde", "Reaccorde"]
    expected = members_with_consent(kind=ConsentKind.RECOMMENDATIONS).order_by("last_name")
    assert found == [m.last_name for m in expected]


# --- Text search -------------------------------------------------------------------------------


@pytest.fixture
def engineers(world: World, paris: Departement) -> dict[str, Member]:
    """Members written by the services, which keep the search index up to date."""
    common = {"situation": Situation.JOB_SEEKER, "phase": Phase.TRANSITION, "departement": paris}
    seeker = member_create(first_name="Inès", last_name="Moreau", email="ines@exemple.fr", **common)
    member_update_profile(member=seeker, seeking_text="Je cherche un poste d'Ingénieur d'études en Bretagne.")
    offerer = member_create(first_name="Paul", last_name="Durand", email="paul@exemple.fr", **common)
    member_update_profile(member=offerer, offering_text="Vingt ans comme ingénieure qualité, je peux aider.")
    named = member_create(first_name="Élodie", last_name="Ingénieur", email="elodie@exemple.fr", **common)
    member_create(first_name="Marc", last_name="Petit", email="marc@exemple.fr", **common)
    return {"seeker": seeker, "offerer": offerer, "named": named}


@pytest.mark.parametrize("query", ["ingénieur", "ingenieur", "Ingénieur", "INGENIEUR"])
def test_text_search_is_accent_and_case_insensitive_over_names_and_free_texts(
    world: World, engineers: dict[str, Member], query: str
) -> None:
    found = {m.pk for m in _search(world.national, query=query)}
    assert found == {m.pk for m in engineers.values()}


def test_text_search_matches_each_word_and_prefixes(world: World, engineers: dict[str, Member]) -> None:
    assert _search(world.national, query="ingénieur bretagne") == [engineers["seeker"]]
    assert _search(world.national, query="quali") == [engineers["offerer"]]
    assert _search(world.national, query="élodie") == [engineers["named"]]
    assert _search(world.national, query="astronaute") == []


def test_text_search_follows_profile_updates(world: World, engineers: dict[str, Member]) -> None:
    member_update_profile(member=engineers["seeker"], seeking_text="Reconversion dans la boulangerie.")
    assert _search(world.national, query="boulangerie") == [engineers["seeker"]]
    assert engineers["seeker"] not in _search(world.national, query="bretagne")


def test_text_search_combines_with_filters(world: World, engineers: dict[str, Member]) -> None:
    member_update_profile(member=engineers["offerer"], situation=Situation.EMPLOYED)
    assert _search(world.national, query="ingenieur", situation=Situation.EMPLOYED) == [engineers["offerer"]]


def test_text_search_never_reveals_another_delegations_member_unless_a_contact(world: World) -> None:
    lyon = Departement.objects.get(code="69")
    common = {"situation": Situation.JOB_SEEKER, "phase": Phase.TRANSITION, "departement": lyon}
    stranger = member_create(first_name="Zoé", last_name="Lyonnaise", email="zoe@exemple.fr", **common)
    contact = member_create(first_name="Zacharie", last_name="Lyonnais", email="zac@exemple.fr", **common)
    Contact.objects.create(
        consultant=world.consultant_same.consultant, member=contact, basis=ContactBasis.values[0]
    )
    assert _search(world.consultant_same, query="lyonnais") == [contact]
    assert _search(world.consultant_same, query="zoe") == []
    assert stranger in _search(world.consultant_other, query="zoe")
    page = _client(world.consultant_same).get(reverse("members:list"), {"q": "Zoé"}).content.decode()
    assert "Lyonnaise" not in page


def test_index_rebuild_indexes_members_inserted_in_bulk(world: World, paris: Departement) -> None:
    bulk = Member.objects.bulk_create(
        [
            Member(first_name="Anne", last_name=f"Vrac{i}", email=f"vrac{i}@exemple.fr", situation="job_seeker",
                   phase="transition", departement=paris, delegation=world.home, seeking_text="Cheffe de projet")
            for i in range(3)
        ]
    )  # fmt: skip
    assert _search(world.national, query="cheffe") == []  # bulk inserts bypass the services
    assert member_search_index_rebuild() == Member.objects.count()
    assert {m.last_name for m in _search(world.national, query="cheffe")} == {m.last_name for m in bulk}
    assert member_search_index_rebuild(member_ids=[bulk[0].pk]) == 1
    assert len(_search(world.national, query="cheffe projet")) == 3  # replaced, not duplicated


# --- The page ----------------------------------------------------------------------------------


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_page_filters_and_counts_once(world: World, engineers: dict[str, Member]) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = _client(world.national).get(reverse("members:list"), {"q": "ingenieur"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 membres trouvés" in page
    assert "Petit" not in page
    # The results are counted once (the paginator); the other count is the search's own,
    # capped one over its index (search.RANK_LIMIT), which never reads the members table.
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert sum('"members_member"' in sql for sql in counts) == 1
    assert len(counts) == 2


def test_pagination_links_keep_the_filters(world: World, paris: Departement) -> None:
    for i in range(55):
        _home_member(world, paris, f"Nom{i:02d}", situation=Situation.GRADUATE)
    _home_member(world, paris, "Autre", situation=Situation.RECRUITER)
    client = _client(world.consultant_same)
    page1 = client.get(reverse("members:list"), {"situation": Situation.GRADUATE}).content.decode()
    assert "55 membres trouvés" in page1
    assert "?situation=graduate&amp;page=2" in page1
    page2 = client.get(reverse("members:list"), {"situation": Situation.GRADUATE, "page": 2}).content.decode()
    assert "Nom54" in page2
    assert "Nom00" not in page2
    assert "Autre" not in page2


def test_htmx_request_gets_the_results_only(world: World, engineers: dict[str, Member]) -> None:
    response = _client(world.national).get(reverse("members:list"), {"q": "durand"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Durand" in body
    assert "<h1>" not in body
    # The count is swapped into the live region that stays in the page, never replacing it:
    # a screen reader announces a change of its text, not a new region.
    assert '<p id="member-count" class="member-count" hx-swap-oob="innerHTML">' in body
    assert 'role="status"' not in body
    assert "HX-Request" in response["Vary"]


def test_a_wrong_filter_value_is_reported_on_its_field_and_the_rest_applies(
    world: World, engineers: dict[str, Member]
) -> None:
    response = _client(world.national).get(reverse("members:list"), {"q": "durand", "situation": "astronaut"})
    body = response.content.decode()
    assert 'id="id_situation_error"' in body
    assert 'value="durand"' in body  # what the user typed stays
    assert "1 membre trouvé" in body


def test_members_may_not_search(world: World) -> None:
    response = _client(world.member).get(reverse("members:list"), {"q": "x"})
    assert response.status_code == 403


def test_search_words_are_folded_and_skip_one_letter_words() -> None:
    assert search_words(query="Ingénieur d'Études") == ["ingenieur", "etudes"]
    assert search_words(query="  ") == []
    assert search_words(query="x") == ["x"]


def test_the_count_stops_at_the_limit_and_says_so(
    world: World, paris: Departement, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "COUNT_LIMIT", 3)
    for i in range(5):
        _home_member(world, paris, f"Nom{i}")
    client = _client(world.national)
    body = client.get(reverse("members:list")).content.decode()
    assert "Plus de 3 membres trouvés" in body
    monkeypatch.setattr(views, "COUNT_LIMIT", 10)
    body = client.get(reverse("members:list")).content.decode()
    assert "6 membres trouvés" in body  # five and the world's member


def test_the_full_page_has_one_live_count_and_a_results_heading_to_focus(
    world: World, engineers: dict[str, Member]
) -> None:
    body = _client(world.national).get(reverse("members:list"), {"q": "durand"}).content.decode()
    assert body.count('id="member-count"') == 1
    assert '<p id="member-count" class="member-count" role="status">' in body
    assert '<h2 id="member-results-title" tabindex="-1">' in body
    assert 'data-results-focus="member-results-title"' in body
    assert "js/results-focus.js" in body


# --- Relevance, and its limit --------------------------------------------------------------------


@pytest.fixture
def coaches(world: World, paris: Departement) -> list[Member]:
    """Three members who mention "coaching", one of them three times."""
    common = {"situation": Situation.JOB_SEEKER, "phase": Phase.TRANSITION, "departement": paris}
    members = []
    for last_name, text in (
        ("Abel", "Un peu de coaching."),
        ("Zola", "Coaching, coaching et encore coaching : mon métier."),
        ("Blanc", "Du coaching d'équipe."),
    ):
        member = member_create(
            first_name="Coach", last_name=last_name, email=f"{last_name}@exemple.fr", **common
        )
        members.append(member_update_profile(member=member, offering_text=text))
    return members


def test_a_selective_query_lists_the_most_relevant_first(world: World, coaches: list[Member]) -> None:
    found = member_search(viewer=world.national, filters=MemberSearchFilters(query="coaching"))
    assert search.search_is_ranked(queryset=found)
    assert _names(list(found))[0] == "Zola"  # says it three times
    page = _client(world.national).get(reverse("members:list"), {"q": "coaching"}).content.decode()
    assert "les plus pertinents d'abord" in page
    assert "Membres correspondant à la recherche, par pertinence" in page


def test_a_word_in_too_many_profiles_lists_the_matches_by_name(
    world: World, coaches: list[Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    found = member_search(viewer=world.national, filters=MemberSearchFilters(query="coaching"))
    assert not search.search_is_ranked(queryset=found)
    assert not search.search_is_ranked(queryset=found.values_list("pk", flat=True))
    assert _names(list(found)) == ["Abel", "Blanc", "Zola"]  # the same members, by name
    page = _client(world.national).get(reverse("members:list"), {"q": "coaching"}).content.decode()
    assert "3 membres trouvés · classés par nom" in page
    assert "Membres correspondant à la recherche, par nom" in page
    # The limit counts every match in the index, whoever looks: the order does not depend on
    # the viewer's delegation or filters.
    found = member_search(viewer=world.national, filters=MemberSearchFilters(query="coaching zola"))
    assert search.search_is_ranked(queryset=found)
    assert _names(list(found)) == ["Zola"]
