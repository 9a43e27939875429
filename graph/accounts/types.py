"""Accounts and users."""

from __future__ import annotations

from typing import Self

import strawberry
from sqlmodel import col, select

from db.models import Account as AccountRow
from db.models import User as UserRow
from graph.context import Info
from graph.enums import AccountKind, UserRole
from graph.relay import Connection, Node, paginate_list, to_global_id


@strawberry.type(description="A person in one account.")
class User(Node):
    name: str = strawberry.field(description="Full name.")
    email: str = strawberry.field(description="Work email address.")
    role: UserRole = strawberry.field(description="ADMIN or MEMBER in their account.")
    is_active: bool = strawberry.field(description="Inactive users cannot sign in or be added.")
    _row: strawberry.Private[UserRow]

    @strawberry.field(description="The account the user belongs to.")
    async def account(self, info: Info) -> Account:
        row = await info.context.loaders.account_by_id.load(self._row.account_id)
        return Account.from_row(row)

    @classmethod
    def from_row(cls, row: UserRow) -> Self:
        assert row.id is not None
        return cls(
            id=to_global_id("User", row.id),
            name=row.name,
            email=row.email,
            role=UserRole(row.role),
            is_active=row.is_active,
            _row=row,
        )


@strawberry.type(description="One company's CRM: the vendor or a solutions partner.")
class Account(Node):
    name: str = strawberry.field(description="The company's name.")
    kind: AccountKind = strawberry.field(description="VENDOR or PARTNER.")
    _pk: strawberry.Private[int]

    @strawberry.field(
        description="The account's users; only for the viewer's own account (null otherwise)."
    )
    async def users(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[User] | None:
        if self._pk != info.context.viewer.account_id:
            return None
        statement = select(UserRow).where(UserRow.account_id == self._pk).order_by(col(UserRow.id))
        async with info.context.database.session() as session:
            rows = (await session.exec(statement)).all()
        return paginate_list(
            rows,
            key=lambda row: row.id,
            first=first,
            after=after,
            last=last,
            before=before,
            wrap=User.from_row,
        )

    @classmethod
    def from_row(cls, row: AccountRow) -> Self:
        assert row.id is not None
        return cls(
            id=to_global_id("Account", row.id),
            name=row.name,
            kind=AccountKind(row.kind),
            _pk=row.id,
        )
