"""Changing a deal's products of interest: the new set replaces the old one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.errors import BatchError, DomainError, ErrorCode
from db.models import ActivityKind, Deal, DealProduct, Product, User
from db.ops.activity import Recorded, bump_version, record_activity
from db.ops.deals import check_batch_size, check_version, lock_visible_deal


@dataclass(slots=True)
class ProductsChange:
    """The deal after the change and the activity it wrote, if any."""

    deal: Deal
    recorded: list[Recorded] = field(default_factory=list)


async def replace_products(
    *,
    session: AsyncSession,
    actor: User,
    deal_id: int | None,
    product_ids: Sequence[int | None],
    expected_version: int | None,
) -> ProductsChange:
    """Make the deal's products exactly `product_ids` (either side may).

    A stale `expected_version` is VERSION_CONFLICT; unknown products (None:
    malformed id) are NOT_FOUND, each at its index. When the set is unchanged
    nothing is written; otherwise one PRODUCTS_CHANGED activity lists what was
    added and removed (ids and names) and the version moves on.
    """
    check_batch_size(product_ids, ("input", "productIds"))
    deal = await lock_visible_deal(
        session=session, actor=actor, deal_id=deal_id, field=("input", "dealId")
    )
    check_version(deal, expected_version, ("input", "expectedVersion"))
    wanted = {pk for pk in product_ids if pk is not None}
    found = (await session.exec(select(Product).where(col(Product.id).in_(wanted)))).all()
    products = {product.id: product for product in found if product.id is not None}
    missing = [
        DomainError(ErrorCode.NOT_FOUND, "No product with that id.", ("input", "productIds", i))
        for i, pk in enumerate(product_ids)
        if pk not in products
    ]
    if missing:
        raise BatchError(missing)

    current = (
        await session.exec(
            select(Product)
            .join(DealProduct, col(DealProduct.product_id) == Product.id)
            .where(DealProduct.deal_id == deal.id)
        )
    ).all()
    before = {product.id: product for product in current if product.id is not None}
    added = {pk: products[pk] for pk in sorted(products.keys() - before.keys())}
    removed = {pk: before[pk] for pk in sorted(before.keys() - products.keys())}
    if not added and not removed:
        return ProductsChange(deal=deal)

    assert deal.id is not None
    if removed:
        await session.execute(
            delete(DealProduct).where(
                col(DealProduct.deal_id) == deal.id,
                col(DealProduct.product_id).in_(removed),
            )
        )
    session.add_all(DealProduct(deal_id=deal.id, product_id=pk) for pk in added)
    await bump_version(session=session, deal=deal)
    recorded = await record_activity(
        session=session,
        deal=deal,
        kind=ActivityKind.PRODUCTS_CHANGED,
        actor=actor,
        account_id=actor.account_id,
        details={"added": _described(added), "removed": _described(removed)},
    )
    return ProductsChange(deal=deal, recorded=[recorded])


def _described(products: dict[int, Product]) -> list[dict[str, object]]:
    return [{"product_id": pk, "name": product.name} for pk, product in products.items()]
