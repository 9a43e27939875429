"""Call summary mutations, one per module, merged into one class."""

from strawberry.tools import merge_types

from graph.calls.mutations.call_summary_create import CallSummaryCreateMutation
from graph.calls.mutations.call_summary_share import CallSummaryShareMutation

CallMutation = merge_types("CallMutation", (CallSummaryCreateMutation, CallSummaryShareMutation))
