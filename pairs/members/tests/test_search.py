"""Finding members: filters, full-text search (both databases), visibility, pagination."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pairs.accounts.models import User
from pairs.contacts.models import Contact, ContactBasis
from pairs.members import views
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
    assert sum("COUNT(" in q["sql"].upper() for q in queries.captured_queries) == 1


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
    assert 'hx-swap-oob="true"' in body
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
