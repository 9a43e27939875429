"""Demo data and generated deals, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from db.config import Settings
from db.demo import DemoRefusedError, load_demo
from db.engine import Database
from db.generate import generate_deals
from db.models import (
    Account,
    AccountKind,
    AccountSettings,
    Activity,
    ActivityKind,
    CallSummary,
    Deal,
    DealPlacement,
    DealRegistration,
    DealTeamMember,
    Notification,
    Pipeline,
    PipelineStage,
    RegistrationStatus,
    User,
    utcnow,
)
from db.tokens import authenticate


def _saved(path: Path) -> object:
    """The saved demo tokens, or None when no file was written."""
    return json.loads(path.read_text()) if path.exists() else None


@pytest.fixture
def tokens_path(tmp_path: Path) -> Path:
    return tmp_path / "demo-tokens.json"


@pytest.fixture
async def demo(database: Database, tokens_path: Path) -> list[dict[str, str]]:
    return await load_demo(database=database, settings=Settings(), tokens_path=tokens_path)


async def test_demo_has_registrations_in_every_status_some_expired_by_time(
    database: Database, demo: list[dict[str, str]]
) -> None:
    async with database.session() as session:
        registrations = (await session.exec(select(DealRegistration))).all()
        vendor_user_ids = set(
            (
                await session.exec(
                    select(User.id)
                    .join(Account, col(Account.id) == col(User.account_id))
                    .where(Account.kind == AccountKind.VENDOR)
                )
            ).all()
        )
    now = utcnow()
    assert {r.status for r in registrations} == set(RegistrationStatus)
    approved = [r for r in registrations if r.status == RegistrationStatus.APPROVED]
    assert any(r.expires_at is not None and r.expires_at < now for r in approved)
    assert any(r.expires_at is not None and r.expires_at > now for r in approved)
    assert all(r.rejection_reason for r in registrations if r.status == "REJECTED")
    assert any(r.submitted_by_id in vendor_user_ids for r in registrations)
    assert all(r.submitted_at.tzinfo is not None for r in registrations)


async def test_demo_has_shared_and_private_summaries_with_every_section(
    database: Database, demo: list[dict[str, str]]
) -> None:
    async with database.session() as session:
        summaries = (await session.exec(select(CallSummary))).all()
    shared = [s for s in summaries if s.shared_at is not None]
    assert shared
    assert len(shared) < len(summaries)
    assert all(s.shared_by_id is not None for s in shared)
    for summary in summaries:
        assert summary.overview
        assert summary.key_takeaways
        assert summary.deal_risks
        assert summary.tech_stack
        assert summary.business_challenges_and_goals
        assert summary.next_steps
        assert summary.contacts_involved[0]["name"]
        assert summary.contacts_involved[0]["job_title"]


async def test_demo_deals_have_one_placement_per_account_in_that_accounts_pipeline(
    database: Database, demo: list[dict[str, str]]
) -> None:
    async with database.session() as session:
        deals = (await session.exec(select(Deal))).all()
        placements = (
            await session.exec(
                select(DealPlacement, Pipeline).join(
                    Pipeline, col(Pipeline.id) == col(DealPlacement.pipeline_id)
                )
            )
        ).all()
        settings = (await session.exec(select(AccountSettings))).all()
        accounts = (await session.exec(select(Account))).all()
    assert len(deals) >= 40
    by_deal: dict[int, set[int]] = {}
    for placement, pipeline in placements:
        assert pipeline.account_id == placement.account_id
        by_deal.setdefault(placement.deal_id, set()).add(placement.account_id)
    assert Counter(p.deal_id for p, _ in placements) == Counter({d.id: 2 for d in deals})
    assert all(by_deal[d.id] == {d.partner_account_id, d.vendor_account_id} for d in deals)
    assert {s.account_id for s in settings if s.shared_deal_pipeline_id} == {a.id for a in accounts}


async def test_demo_closed_stages_come_last(database: Database, demo: list[dict[str, str]]) -> None:
    async with database.session() as session:
        stages = (
            await session.exec(select(PipelineStage).order_by(col(PipelineStage.position)))
        ).all()
    by_pipeline: dict[int, list[bool]] = {}
    for stage in stages:
        by_pipeline.setdefault(stage.pipeline_id, []).append(stage.is_closed)
    assert len(by_pipeline) >= 6
    for flags in by_pipeline.values():
        assert flags == sorted(flags)
        assert flags[-1]
        assert not flags[0]


async def test_demo_teams_mix_both_sides(database: Database, demo: list[dict[str, str]]) -> None:
    async with database.session() as session:
        members = (
            await session.exec(
                select(DealTeamMember, User).join(User, col(User.id) == col(DealTeamMember.user_id))
            )
        ).all()
        deals = {d.id: d for d in (await session.exec(select(Deal))).all()}
    sides: dict[int, set[int]] = {}
    for member, user in members:
        assert member.account_id == user.account_id
        sides.setdefault(member.deal_id, set()).add(member.account_id)
    for deal_id, deal in deals.items():
        assert sides[deal_id] == {deal.partner_account_id, deal.vendor_account_id}


async def test_demo_notifications_have_consistent_seq(
    database: Database, demo: list[dict[str, str]]
) -> None:
    async with database.session() as session:
        users = (await session.exec(select(User))).all()
        notifications = (await session.exec(select(Notification))).all()
        kinds = set((await session.exec(select(Activity.kind))).all())
    assert {
        ActivityKind.DEAL_SHARED,
        ActivityKind.TEAM_MEMBER_ADDED,
        ActivityKind.CALL_SUMMARY_SHARED,
        ActivityKind.CALL_SUMMARY_CREATED,
        ActivityKind.REGISTRATION_APPROVED,
    } <= kinds
    assert any(n.read_at for n in notifications)
    assert any(not n.read_at for n in notifications)
    for user in users:
        seqs = sorted(n.seq for n in notifications if n.user_id == user.id)
        assert seqs == list(range(1, user.notification_seq + 1))


async def test_demo_tokens_are_saved_and_authenticate(
    database: Database, demo: list[dict[str, str]], tokens_path: Path
) -> None:
    saved = _saved(tokens_path)
    assert saved == demo
    assert {"VENDOR", "PARTNER"} == {entry["accountKind"] for entry in demo}
    for entry in demo:
        assert set(entry) == {"email", "name", "account", "accountKind", "role", "token"}
        async with database.session() as session:
            found = await authenticate(session=session, token=entry["token"])
        assert found is not None
        assert found.user.email == entry["email"]
        assert found.account.name == entry["account"]


async def test_demo_loads_only_into_an_empty_database(
    database: Database, demo: list[dict[str, str]], tokens_path: Path
) -> None:
    again = await load_demo(database=database, settings=Settings(), tokens_path=tokens_path)
    assert again == []
    assert _saved(tokens_path) == demo


async def test_demo_is_refused_in_production(database: Database, tokens_path: Path) -> None:
    with pytest.raises(DemoRefusedError):
        await load_demo(
            database=database, settings=Settings(app_env="production"), tokens_path=tokens_path
        )
    async with database.session() as session:
        assert (await session.exec(select(func.count()).select_from(Account))).one() == 0
    assert _saved(tokens_path) is None


async def test_generate_adds_n_deals_in_batches(database: Database, tokens_path: Path) -> None:
    settings = Settings()
    added = await generate_deals(
        database=database,
        settings=settings,
        count=250,
        batch_size=100,
        progress=False,
        tokens_path=tokens_path,
    )
    assert added == 250
    async with database.session() as session:
        deal_count = (await session.exec(select(func.count()).select_from(Deal))).one()
        placements = (await session.exec(select(DealPlacement.deal_id))).all()
        users = (await session.exec(select(User))).all()
        notifications = (await session.exec(select(Notification))).all()
    assert deal_count == 50 + 250
    assert set(Counter(placements).values()) == {2}
    for user in users:
        seqs = sorted(n.seq for n in notifications if n.user_id == user.id)
        assert seqs == list(range(1, user.notification_seq + 1))


async def test_generate_is_refused_in_production(database: Database, tokens_path: Path) -> None:
    with pytest.raises(DemoRefusedError):
        await generate_deals(
            database=database,
            settings=Settings(app_env="production"),
            count=10,
            progress=False,
            tokens_path=tokens_path,
        )
