"""`dealProductsUpdate`: replace a deal's products of interest."""

from __future__ import annotations

import strawberry

from db.ops.products import replace_products
from graph.changes import commit_change
from graph.context import Info
from graph.deals.types import Deal
from graph.errors import UserError, catch_user_errors
from graph.relay import pk_of


@strawberry.input(description="The new set of products of interest of a deal.")
class DealProductsUpdateInput:
    deal_id: strawberry.ID = strawberry.field(description="The deal to change.")
    product_ids: list[strawberry.ID] = strawberry.field(
        description="Every product of interest from now on (at most 100); replaces the set."
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description="The deal's `version` as last read; refused with VERSION_CONFLICT if stale.",
    )


@strawberry.type(description="The result of `dealProductsUpdate`.")
class DealProductsUpdatePayload:
    deal: Deal | None = strawberry.field(description="The deal after the change.")
    user_errors: list[UserError] = strawberry.field(
        description="Why the change was refused; when not empty, nothing changed."
    )


@strawberry.type
class DealProductsUpdateMutation:
    @strawberry.mutation(
        description=(
            "Replace the deal's products of interest (either side). When the set changes, "
            "one SHARED activity lists the products added and removed."
        )
    )
    async def deal_products_update(
        self, info: Info, input: DealProductsUpdateInput
    ) -> DealProductsUpdatePayload:
        actor = info.context.viewer.user

        async def change() -> DealProductsUpdatePayload:
            result = await commit_change(
                info,
                lambda session: replace_products(
                    session=session,
                    actor=actor,
                    deal_id=pk_of(input.deal_id, "Deal"),
                    product_ids=[pk_of(product_id, "Product") for product_id in input.product_ids],
                    expected_version=input.expected_version,
                ),
            )
            return DealProductsUpdatePayload(deal=Deal.from_row(result.deal), user_errors=[])

        return await catch_user_errors(
            change, lambda errors: DealProductsUpdatePayload(deal=None, user_errors=errors)
        )
