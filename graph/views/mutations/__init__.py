"""Deal view mutations, one per module, merged into one class."""

from strawberry.tools import merge_types

from graph.views.mutations.deal_view_delete import DealViewDeleteMutation
from graph.views.mutations.deal_view_save import DealViewSaveMutation

ViewMutation = merge_types("ViewMutation", (DealViewSaveMutation, DealViewDeleteMutation))
