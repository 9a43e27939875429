"""`sharedDealCreate`: a partner user shares a new deal with the vendor."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from db.ops.shared_deals import SharedDealDraft, create_shared_deal
from graph.changes import commit_change
from graph.context import Info
from graph.deals.types import Deal
from graph.errors import UserError, catch_user_errors
from graph.relay import pk_of


@strawberry.input(description="A new deal a partner user registers and shares with the vendor.")
class SharedDealCreateInput:
    name: str = strawberry.field(description="The deal's name (1 to 200 characters).")
    amount: Decimal = strawberry.field(description="The deal's value: not negative, two decimals.")
    currency: str = strawberry.field(description="ISO 4217 currency code of `amount`, e.g. USD.")
    close_date: date = strawberry.field(description="The expected close date.")
    product_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Products of interest (at most 100)."
    )
    company_name: str = strawberry.field(default="", description="The customer company.")
    company_domain: str = strawberry.field(
        default="", description="The customer's web domain, e.g. `example.com`."
    )
    contact_name: str = strawberry.field(default="", description="The customer contact.")
    contact_email: str = strawberry.field(
        default="", description="The customer contact's email address."
    )
    intro_note: str = strawberry.field(
        default="", description="How the partner came to the deal (at most 5000 characters)."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description=(
            "A key the client chooses per deal (1 to 200 characters): retrying with the same "
            "key returns the deal the first call made instead of making a second one."
        ),
    )

    def to_draft(self) -> SharedDealDraft:
        """The input as the operation's draft; malformed product ids become None."""
        return SharedDealDraft(
            name=self.name,
            amount=self.amount,
            currency=self.currency,
            close_date=self.close_date,
            product_ids=[pk_of(product_id, "Product") for product_id in self.product_ids],
            company_name=self.company_name,
            company_domain=self.company_domain,
            contact_name=self.contact_name,
            contact_email=self.contact_email,
            intro_note=self.intro_note,
        )


@strawberry.type(description="The result of `sharedDealCreate`.")
class SharedDealCreatePayload:
    deal: Deal | None = strawberry.field(description="The shared deal; null when refused.")
    user_errors: list[UserError] = strawberry.field(
        description="Why the deal was refused; when not empty, nothing was written."
    )


@strawberry.type
class SharedDealCreateMutation:
    @strawberry.mutation(
        description=(
            "Register a new deal as a partner user and share it with the vendor: each account "
            "files it in its shared-deal pipeline's first open stage, a SUBMITTED registration "
            "is made and the creator joins the deal team. Vendor users get FORBIDDEN."
        )
    )
    async def shared_deal_create(
        self, info: Info, input: SharedDealCreateInput
    ) -> SharedDealCreatePayload:
        viewer = info.context.viewer

        async def change() -> SharedDealCreatePayload:
            created = await commit_change(
                info,
                lambda session: create_shared_deal(
                    session=session,
                    creator=viewer.user,
                    creator_account=viewer.account,
                    draft=input.to_draft(),
                    idempotency_key=input.idempotency_key,
                ),
            )
            return SharedDealCreatePayload(deal=Deal.from_row(created.deal), user_errors=[])

        return await catch_user_errors(
            change, lambda errors: SharedDealCreatePayload(deal=None, user_errors=errors)
        )
