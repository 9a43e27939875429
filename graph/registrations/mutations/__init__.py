"""Deal registration mutations, one per module, merged into one class."""

from strawberry.tools import merge_types

from graph.registrations.mutations.deal_registration_review import DealRegistrationReviewMutation
from graph.registrations.mutations.deal_registration_submit import DealRegistrationSubmitMutation
from graph.registrations.mutations.deal_registration_withdraw import (
    DealRegistrationWithdrawMutation,
)

RegistrationMutation = merge_types(
    "RegistrationMutation",
    (
        DealRegistrationSubmitMutation,
        DealRegistrationReviewMutation,
        DealRegistrationWithdrawMutation,
    ),
)
