"""Batch-load what a set of deals will show, in one round, before their fields resolve.

With the rows already in the request's loaders, the deals' relation fields
resolve synchronously (see `resolve_now`): no coroutine, future or task per
field, which is most of what a page of deals costs in the GraphQL layer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from db.models import Deal as DealRow
from graph.loaders import Loaders
from graph.loaders.base import ScopedLoader

# Deal fields and the loader (keyed by deal id) that serves each.
BY_DEAL: dict[str, Callable[[Loaders], ScopedLoader]] = {
    "pipeline": lambda loaders: loaders.placement_by_deal,
    "stage": lambda loaders: loaders.placement_by_deal,
    "team": lambda loaders: loaders.team_members_by_deal,
    "productsOfInterest": lambda loaders: loaders.products_by_deal,
    "activeDealRegistrations": lambda loaders: loaders.active_registration_count_by_deal,
    "registrations": lambda loaders: loaders.registrations_by_deal,
    "callSummaries": lambda loaders: loaders.call_summaries_by_deal,
    "activities": lambda loaders: loaders.activities_by_deal,
}


def _fields(selections: Iterable[Selection]) -> Iterable[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from _fields(selection.selections)


def field_names(selections: Iterable[Selection]) -> set[str]:
    """The names of the fields selected (fragments flattened)."""
    return {field.name for field in _fields(selections)}


def connection_node_names(selections: Iterable[Selection]) -> set[str]:
    """The fields selected on the nodes of a connection (`edges { node }` and `nodes`)."""
    names: set[str] = set()
    for field in _fields(selections):
        if field.name == "nodes":
            names |= field_names(field.selections)
        elif field.name == "edges":
            for inner in _fields(field.selections):
                if inner.name == "node":
                    names |= field_names(inner.selections)
    return names


async def prefetch_deals(loaders: Loaders, deals: Sequence[DealRow], names: set[str]) -> None:
    """Load the selected relations of `deals` concurrently, one batch per loader."""
    pks = [deal.id for deal in deals if deal.id is not None]
    if not pks:
        return
    loads: list[Any] = [
        loader.load_many(pks)
        for loader in {BY_DEAL[name](loaders) for name in names & BY_DEAL.keys()}
    ]
    if names & {"partnerAccount", "vendorAccount"}:
        accounts = {deal.partner_account_id for deal in deals} | {
            d.vendor_account_id for d in deals
        }
        loads.append(loaders.account_by_id.load_many(list(accounts)))
    if loads:
        # A failed batch stays in its loader and fails its own fields, as without prefetching.
        await asyncio.gather(*loads, return_exceptions=True)
