"""Editing a deal team: one atomic, idempotent batch of additions and removals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.errors import BatchError, DomainError, ErrorCode
from db.models import ActivityKind, Deal, DealTeamMember, User, utcnow
from db.ops.activity import Recorded, bump_version, record_activity
from db.ops.deals import check_batch_size, lock_visible_deal
from db.queries.nodes import visible_account


@dataclass(slots=True)
class TeamUpdate:
    """The deal and its team after the batch, and the activities it wrote."""

    deal: Deal
    members: list[DealTeamMember]
    recorded: list[Recorded] = field(default_factory=list)


async def update_team(
    *,
    session: AsyncSession,
    actor: User,
    deal_id: int | None,
    add: Sequence[int | None],
    remove: Sequence[int | None],
) -> TeamUpdate:
    """Add and remove members of the actor's own account, all or nothing.

    Every entry is checked before anything is written; all refusals come back
    together in one BatchError. Unknown ids (None: malformed) and users of
    accounts the actor cannot see are NOT_FOUND, users of the other account of
    a visible deal NOT_OWN_ACCOUNT, inactive users to add USER_INACTIVE.

    Adding a member or removing a non-member is a no-op: no row, no activity,
    no version bump. Removals are applied first, then additions; each activity
    is recorded once the whole team is final, so its notifications go to the
    team as it is after the batch (minus the actor): an added member is told
    they were added, a removed member is told nothing, not even their removal.
    """
    check_batch_size(add, ("input", "add"))
    check_batch_size(remove, ("input", "remove"))
    deal = await lock_visible_deal(
        session=session, actor=actor, deal_id=deal_id, field=("input", "dealId")
    )
    users = await _own_users(session=session, actor=actor, add=add, remove=remove)
    current = await _members(session=session, deal_id=deal_id)
    member_ids = {member.user_id for member in current}

    to_remove = {pk: users[pk] for pk in remove if pk is not None and pk in member_ids}
    to_add = {pk: users[pk] for pk in add if pk is not None and pk not in member_ids}
    if not to_remove and not to_add:
        return TeamUpdate(deal=deal, members=current)

    assert deal.id is not None
    if to_remove:
        await session.execute(
            delete(DealTeamMember).where(
                col(DealTeamMember.deal_id) == deal.id,
                col(DealTeamMember.user_id).in_(to_remove),
            )
        )
    now = utcnow()
    session.add_all(
        DealTeamMember(
            deal_id=deal.id,
            user_id=pk,
            account_id=user.account_id,
            added_by_id=actor.id,
            added_at=now,
        )
        for pk, user in to_add.items()
    )
    await session.flush()
    await bump_version(session=session, deal=deal)

    recorded = []
    for kind, changed in (
        (ActivityKind.TEAM_MEMBER_REMOVED, to_remove),
        (ActivityKind.TEAM_MEMBER_ADDED, to_add),
    ):
        for user in changed.values():
            details = {"user_id": user.id, "user_name": user.name, "account_id": user.account_id}
            recorded.append(
                await record_activity(
                    session=session,
                    deal=deal,
                    kind=kind,
                    actor=actor,
                    account_id=actor.account_id,
                    details=details,
                )
            )
    return TeamUpdate(
        deal=deal, members=await _members(session=session, deal_id=deal.id), recorded=recorded
    )


async def _members(*, session: AsyncSession, deal_id: int | None) -> list[DealTeamMember]:
    statement = (
        select(DealTeamMember)
        .where(DealTeamMember.deal_id == deal_id)
        .order_by(col(DealTeamMember.added_at), col(DealTeamMember.id))
    )
    return list((await session.exec(statement)).all())


async def _own_users(
    *,
    session: AsyncSession,
    actor: User,
    add: Sequence[int | None],
    remove: Sequence[int | None],
) -> dict[int, User]:
    """The users named by the batch, by id; BatchError listing every bad entry."""
    wanted = {pk for pk in (*add, *remove) if pk is not None}
    rows = (await session.exec(select(User).where(col(User.id).in_(wanted)))).all()
    users = {user.id: user for user in rows if user.id is not None}
    visible_accounts = {actor.account_id}
    for account_id in {user.account_id for user in rows} - visible_accounts:
        if await visible_account(
            session=session, viewer_account_id=actor.account_id, pk=account_id
        ):
            visible_accounts.add(account_id)

    errors: list[DomainError] = []
    removing = {pk for pk in remove if pk is not None}
    for name, ids in (("add", add), ("remove", remove)):
        for index, pk in enumerate(ids):
            path = ("input", name, index)
            user = users.get(pk) if pk is not None else None
            if user is None or user.account_id not in visible_accounts:
                errors.append(DomainError(ErrorCode.NOT_FOUND, "No user with that id.", path))
            elif user.account_id != actor.account_id:
                errors.append(
                    DomainError(
                        ErrorCode.NOT_OWN_ACCOUNT,
                        "Only users of your own account can be added or removed.",
                        path,
                    )
                )
            elif name == "add" and not user.is_active:
                errors.append(
                    DomainError(ErrorCode.USER_INACTIVE, "Inactive users cannot be added.", path)
                )
            elif name == "add" and pk in removing:
                errors.append(
                    DomainError(ErrorCode.INVALID, "A user cannot be both added and removed.", path)
                )
    if errors:
        raise BatchError(errors)
    return users
