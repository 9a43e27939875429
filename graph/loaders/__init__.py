"""Per-request DataLoaders, one attribute each: a misspelt name fails type checking."""

from __future__ import annotations

from db.engine import Database
from graph.loaders.accounts import (
    AccountByIdLoader,
    PipelineByIdLoader,
    ProductByIdLoader,
    StageByIdLoader,
    StagesByPipelineLoader,
    UserByIdLoader,
)
from graph.loaders.activity import (
    ActivitiesByDealLoader,
    ActivityByIdLoader,
    CallByIdLoader,
    CallSummariesByDealLoader,
    CallSummaryByIdLoader,
)
from graph.loaders.base import SharedReader
from graph.loaders.deals import (
    ActiveRegistrationCountByDealLoader,
    DealByIdLoader,
    DealViewsByUserLoader,
    PlacementByDealLoader,
    ProductsByDealLoader,
    RegistrationByIdLoader,
    RegistrationsByDealLoader,
    TeamMembersByDealLoader,
)


class Loaders:
    """Every loader of one request, as typed attributes; constructing one costs no I/O."""

    def __init__(self, database: Database, account_id: int, is_vendor: bool) -> None:
        self.reader = SharedReader(database)
        self._scope = (database, account_id, is_vendor, self.reader)
        self.account_by_id = AccountByIdLoader(*self._scope)
        self.user_by_id = UserByIdLoader(*self._scope)
        self.pipeline_by_id = PipelineByIdLoader(*self._scope)
        self.stage_by_id = StageByIdLoader(*self._scope)
        self.stages_by_pipeline = StagesByPipelineLoader(*self._scope)
        self.product_by_id = ProductByIdLoader(*self._scope)
        self.deal_by_id = DealByIdLoader(*self._scope)
        self.placement_by_deal = PlacementByDealLoader(*self._scope)
        self.team_members_by_deal = TeamMembersByDealLoader(*self._scope)
        self.products_by_deal = ProductsByDealLoader(*self._scope)
        self.active_registration_count_by_deal = ActiveRegistrationCountByDealLoader(*self._scope)
        self.registrations_by_deal = RegistrationsByDealLoader(*self._scope)
        self.registration_by_id = RegistrationByIdLoader(*self._scope)
        self.deal_views_by_user = DealViewsByUserLoader(*self._scope)
        self.call_summaries_by_deal = CallSummariesByDealLoader(*self._scope)
        self.call_summary_by_id = CallSummaryByIdLoader(*self._scope)
        self.call_by_id = CallByIdLoader(*self._scope)
        self.activities_by_deal = ActivitiesByDealLoader(*self._scope)
        self.activity_by_id = ActivityByIdLoader(*self._scope)
        # Loaders whose queries join rows other loaders serve hand those rows over.
        self.placement_by_deal.stages = self.stage_by_id
        self.team_members_by_deal.users = self.user_by_id
        self.team_members_by_deal.accounts = self.account_by_id
