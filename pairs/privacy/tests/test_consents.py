from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pairs.privacy.models import ConsentKind, ConsentRecord, ConsentSource, ConsentWording
from pairs.privacy.selectors import consent_history, consent_state, members_with_consent
from pairs.privacy.services import consent_grant, consent_record, consent_revoke
from pairs.privacy.texts import CONSENT_TEXTS, ConsentText
from tests.factories import MemberFactory
from tests.fixtures import World

RECO = ConsentKind.RECOMMENDATIONS


def test_no_record_means_not_granted(world: World) -> None:
    assert consent_state(member=world.member_profile) == dict.fromkeys(ConsentKind.values, False)


def test_every_kind_has_a_current_text_and_version() -> None:
    assert set(CONSENT_TEXTS) == set(ConsentKind.values)
    assert all(shown.text and shown.version for shown in CONSENT_TEXTS.values())


def test_grant_then_revoke_keeps_the_history_and_the_latest_row_wins(world: World) -> None:
    member, user = world.member_profile, world.member
    first = consent_grant(member=member, kind=RECO, source=ConsentSource.PROFILE, recorded_by=user)
    second = consent_revoke(member=member, kind=RECO, source=ConsentSource.PROFILE, recorded_by=user)
    assert consent_state(member=member)[RECO] is False
    assert list(consent_history(member=member)) == [second, first]
    third = consent_grant(member=member, kind=RECO, source=ConsentSource.PROFILE, recorded_by=user)
    assert consent_state(member=member)[RECO] is True
    assert list(consent_history(member=member)) == [third, second, first]


def test_an_unchanged_state_adds_no_row(world: World) -> None:
    member, user = world.member_profile, world.member
    first = consent_grant(member=member, kind=RECO, source=ConsentSource.PROFILE, recorded_by=user)
    again = consent_grant(member=member, kind=RECO, source=ConsentSource.SIGNUP, recorded_by=user)
    assert again == first
    assert ConsentRecord.objects.filter(member=member).count() == 1


def test_a_first_refusal_is_recorded_once(world: World) -> None:
    member = world.member_profile
    refused = consent_revoke(member=member, kind=ConsentKind.STATISTICS, source=ConsentSource.SIGNUP)
    assert refused.pk is not None
    assert refused.granted is False
    assert consent_revoke(member=member, kind=ConsentKind.STATISTICS, source=ConsentSource.PROFILE) == refused
    assert ConsentRecord.objects.filter(member=member).count() == 1


def _WORDING() -> ConsentWording:  # noqa: N802 - reads as a constant at the call sites
    return ConsentWording.objects.get_or_create(kind=RECO, version="test", defaults={"text": "t"})[0]


def test_revocation_wins_over_an_earlier_grant_even_with_the_same_timestamp(world: World) -> None:
    member, user = world.member_profile, world.member
    now = timezone.now()
    for granted in (True, False):
        ConsentRecord.objects.create(
            member=member,
            kind=RECO,
            granted=granted,
            wording=_WORDING(),
            recorded_at=now,
            recorded_by=user,
            source=ConsentSource.PROFILE,
        )
    assert consent_state(member=member)[RECO] is False
    assert member not in members_with_consent(kind=RECO)


def test_the_text_saved_is_the_text_shown(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    member = world.member_profile
    shown = CONSENT_TEXTS[ConsentKind.STATISTICS]
    record = consent_grant(member=member, kind=ConsentKind.STATISTICS, source=ConsentSource.PROFILE)
    assert (record.text, record.text_version) == (shown.text, shown.version)
    # A new wording later does not change what was recorded before.
    new = ConsentText(version="2027-01", text="Nouveau texte des statistiques.")
    monkeypatch.setitem(CONSENT_TEXTS, ConsentKind.STATISTICS, new)
    revoked = consent_revoke(member=member, kind=ConsentKind.STATISTICS, source=ConsentSource.PROFILE)
    assert (revoked.text, revoked.text_version) == (new.text, new.version)
    record.refresh_from_db()
    assert (record.text, record.text_version) == (shown.text, shown.version)


@pytest.mark.parametrize("kind", [ConsentKind.RECOMMENDATIONS, ConsentKind.CONTACT_SHARING])
def test_only_the_member_grants_exposure_consents(world: World, kind: ConsentKind) -> None:
    member = world.member_profile
    for recorded_by in (world.consultant_same, None):
        with pytest.raises(PermissionDenied):
            consent_grant(member=member, kind=kind, source=ConsentSource.CONSULTANT, recorded_by=recorded_by)
    assert not ConsentRecord.objects.exists()
    consent_grant(member=member, kind=kind, source=ConsentSource.PROFILE, recorded_by=world.member)
    # A consultant may record the withdrawal on the member's behalf.
    revoked = consent_revoke(
        member=member, kind=kind, source=ConsentSource.CONSULTANT, recorded_by=world.consultant_same
    )
    assert revoked.recorded_by == world.consultant_same
    assert consent_state(member=member)[kind] is False


def test_a_consultant_may_record_emails_and_statistics_consents(world: World) -> None:
    member = world.member_profile
    for kind in (ConsentKind.STATISTICS, ConsentKind.RENCONTRE_EMAILS):
        consent_record(
            member=member,
            kind=kind,
            granted=True,
            source=ConsentSource.CONSULTANT,
            recorded_by=world.consultant_same,
        )
    state = consent_state(member=member)
    assert state[ConsentKind.STATISTICS]
    assert state[ConsentKind.RENCONTRE_EMAILS]


def test_consent_state_is_one_query(world: World) -> None:
    member, user = world.member_profile, world.member
    consent_grant(member=member, kind=RECO, source=ConsentSource.PROFILE, recorded_by=user)
    consent_grant(member=member, kind=ConsentKind.STATISTICS, source=ConsentSource.PROFILE)
    consent_revoke(member=member, kind=ConsentKind.STATISTICS, source=ConsentSource.PROFILE)
    with CaptureQueriesContext(connection) as queries:
        state = consent_state(member=member)
    assert len(queries) == 1
    assert state == {
        ConsentKind.RECOMMENDATIONS: True,
        ConsentKind.CONTACT_SHARING: False,
        ConsentKind.STATISTICS: False,
        ConsentKind.RENCONTRE_EMAILS: False,
    }


def test_members_with_consent_excludes_revoked_and_never_asked_members(db: None) -> None:
    granted, revoked, regranted, never_asked, other_kind = MemberFactory.create_batch(5)
    earlier = timezone.now() - timedelta(days=30)

    def add(member: object, kind: str, granted_: bool, at: object) -> None:
        ConsentRecord.objects.create(
            member=member,
            kind=kind,
            granted=granted_,
            wording=_WORDING(),
            recorded_at=at,
            source=ConsentSource.IMPORT,
        )

    add(granted, RECO, True, earlier)
    add(revoked, RECO, True, earlier)
    add(revoked, RECO, False, timezone.now())
    add(regranted, RECO, False, earlier)
    add(regranted, RECO, True, timezone.now())
    add(other_kind, ConsentKind.STATISTICS, True, earlier)
    with CaptureQueriesContext(connection) as queries:
        found = set(members_with_consent(kind=RECO))
    assert len(queries) == 1
    assert found == {granted, regranted}
    assert set(members_with_consent(kind=ConsentKind.STATISTICS)) == {other_kind}
    assert members_with_consent(kind=ConsentKind.RECOMMENDATIONS).count() == 2
    assert never_asked not in found


def test_a_changed_text_under_a_used_version_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = world.member_profile
    consent_grant(member=member, kind=ConsentKind.STATISTICS, source=ConsentSource.PROFILE)
    same_version = ConsentText(version=CONSENT_TEXTS[ConsentKind.STATISTICS].version, text="Texte retouché.")
    monkeypatch.setitem(CONSENT_TEXTS, ConsentKind.STATISTICS, same_version)
    with pytest.raises(IntegrityError, match="bump its version"):
        consent_revoke(member=member, kind=ConsentKind.STATISTICS, source=ConsentSource.PROFILE)
    assert consent_state(member=member)[ConsentKind.STATISTICS] is True
