"""Deal mutations, one per module, merged into one class."""

from strawberry.tools import merge_types

from graph.deals.mutations.deal_products_update import DealProductsUpdateMutation
from graph.deals.mutations.deal_stage_update import DealStageUpdateMutation
from graph.deals.mutations.shared_deal_create import SharedDealCreateMutation

DealMutation = merge_types(
    "DealMutation",
    (
        SharedDealCreateMutation,
        DealProductsUpdateMutation,
        DealStageUpdateMutation,
    ),
)
