from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from pairs.privacy.demo import DEMO_GRANT_RATES, demo_consents_seed
from pairs.privacy.models import ConsentKind, ConsentRecord, ConsentSource, ProfileAccess, ProfileAction
from pairs.privacy.selectors import consent_state, profile_access_list
from pairs.privacy.services import consent_grant, profile_access_record
from tests.factories import MemberFactory
from tests.fixtures import World


def test_profile_access_is_recorded_and_listed_latest_first(world: World) -> None:
    member = world.member_profile
    first = profile_access_record(actor=world.consultant_same, member=member, action=ProfileAction.VIEW)
    second = profile_access_record(
        actor=world.national, member=member, action=ProfileAction.EXPORT, detail="Demande RGPD"
    )
    other = MemberFactory()
    profile_access_record(actor=world.national, member=other, action=ProfileAction.CHANGE)
    assert list(profile_access_list(member=member)) == [second, first]
    assert second.detail == "Demande RGPD"


def test_the_record_of_an_erasure_outlives_the_member(world: World) -> None:
    member = MemberFactory()
    access = profile_access_record(actor=world.national, member=member, action=ProfileAction.ERASE)
    member.delete()
    access.refresh_from_db()
    assert access.member is None
    assert access.action == ProfileAction.ERASE


@pytest.mark.parametrize("model", [ConsentRecord, ProfileAccess])
def test_admin_is_read_only(world: World, model: type) -> None:
    model_admin = admin.site._registry[model]
    client = Client()
    client.force_login(world.admin)
    meta = model._meta
    changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == 403
    request = client.get(changelist).wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_admin_pages_open_with_rows_and_filters(world: World) -> None:
    member = world.member_profile
    consent_grant(member=member, kind=ConsentKind.STATISTICS, source=ConsentSource.PROFILE)
    access = profile_access_record(actor=world.national, member=member, action=ProfileAction.VIEW)
    record = ConsentRecord.objects.get()
    client = Client()
    client.force_login(world.admin)
    for url in (
        reverse("admin:privacy_consentrecord_changelist") + "?kind=statistics&granted__exact=1",
        reverse("admin:privacy_profileaccess_changelist") + "?action=view",
        reverse("admin:privacy_consentrecord_change", args=[record.pk]),
        reverse("admin:privacy_profileaccess_change", args=[access.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    # The detail page is a view, not a form that saves.
    response = client.post(reverse("admin:privacy_consentrecord_change", args=[record.pk]), {"granted": ""})
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.granted is True
    delete_url = reverse("admin:privacy_consentrecord_delete", args=[record.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert ConsentRecord.objects.filter(pk=record.pk).exists()


def _snapshot() -> list[tuple[int, str, bool]]:
    return list(
        ConsentRecord.objects.order_by("member_id", "kind").values_list("member_id", "kind", "granted")
    )


def test_demo_seed_is_deterministic_and_idempotent(world: World) -> None:
    members = MemberFactory.create_batch(40)
    already = members[0]
    consent_grant(member=already, kind=ConsentKind.STATISTICS, source=ConsentSource.PROFILE)

    seeded = demo_consents_seed(seed=7)
    assert seeded == 40  # the world's member and 39 of the batch: `already` is skipped
    assert consent_state(member=already) == {
        ConsentKind.RECOMMENDATIONS: False,
        ConsentKind.CONTACT_SHARING: False,
        ConsentKind.STATISTICS: True,
        ConsentKind.RENCONTRE_EMAILS: False,
    }
    first = _snapshot()
    assert len(first) == 1 + 40 * len(ConsentKind.values)
    assert {row.source for row in ConsentRecord.objects.exclude(member=already)} == {ConsentSource.IMPORT}

    assert demo_consents_seed(seed=7) == 0
    assert _snapshot() == first

    ConsentRecord.objects.exclude(member=already).delete()
    assert demo_consents_seed(seed=7) == 40
    assert _snapshot() == first
    ConsentRecord.objects.exclude(member=already).delete()
    demo_consents_seed(seed=8)
    assert _snapshot() != first


def test_demo_seed_gives_a_realistic_mix(db: None) -> None:
    MemberFactory.create_batch(400)
    demo_consents_seed(seed=1)
    for kind, rate in DEMO_GRANT_RATES.items():
        share = ConsentRecord.objects.filter(kind=kind, granted=True).count() / 400
        assert abs(share - rate) < 0.08, kind
