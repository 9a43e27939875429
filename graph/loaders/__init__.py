"""Per-request DataLoaders, one attribute each: a misspelt name fails type checking."""

from __future__ import annotations

from functools import cached_property
from typing import TypeVar

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
from graph.loaders.base import ScopedLoader, SharedReader
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

L = TypeVar("L", bound=ScopedLoader)


class Loaders:
    """Every loader of one request, as typed attributes, each made on first use.

    Constructing this costs no I/O and almost no memory: a subscription holds one per
    connection for hours, and most requests use a handful of the loaders.
    """

    def __init__(self, database: Database, account_id: int, is_vendor: bool) -> None:
        self.database = database
        self.account_id = account_id
        self.is_vendor = is_vendor

    @property
    def used(self) -> bool:
        """Whether any loader was made (and so may hold cached rows)."""
        return "reader" in self.__dict__

    @cached_property
    def reader(self) -> SharedReader:
        """The read session this request's loaders share."""
        return SharedReader(self.database)

    def _make(self, loader: type[L]) -> L:
        return loader(self.database, self.account_id, self.is_vendor, self.reader)

    @cached_property
    def account_by_id(self) -> AccountByIdLoader:
        return self._make(AccountByIdLoader)

    @cached_property
    def user_by_id(self) -> UserByIdLoader:
        return self._make(UserByIdLoader)

    @cached_property
    def pipeline_by_id(self) -> PipelineByIdLoader:
        return self._make(PipelineByIdLoader)

    @cached_property
    def stage_by_id(self) -> StageByIdLoader:
        return self._make(StageByIdLoader)

    @cached_property
    def stages_by_pipeline(self) -> StagesByPipelineLoader:
        return self._make(StagesByPipelineLoader)

    @cached_property
    def product_by_id(self) -> ProductByIdLoader:
        return self._make(ProductByIdLoader)

    @cached_property
    def deal_by_id(self) -> DealByIdLoader:
        return self._make(DealByIdLoader)

    @cached_property
    def placement_by_deal(self) -> PlacementByDealLoader:
        loader = self._make(PlacementByDealLoader)
        loader.stages = self.stage_by_id  # its query joins the stages: it hands them over
        return loader

    @cached_property
    def team_members_by_deal(self) -> TeamMembersByDealLoader:
        loader = self._make(TeamMembersByDealLoader)
        loader.users = self.user_by_id  # its query joins users and accounts: it hands them over
        loader.accounts = self.account_by_id
        return loader

    @cached_property
    def products_by_deal(self) -> ProductsByDealLoader:
        return self._make(ProductsByDealLoader)

    @cached_property
    def active_registration_count_by_deal(self) -> ActiveRegistrationCountByDealLoader:
        return self._make(ActiveRegistrationCountByDealLoader)

    @cached_property
    def registrations_by_deal(self) -> RegistrationsByDealLoader:
        return self._make(RegistrationsByDealLoader)

    @cached_property
    def registration_by_id(self) -> RegistrationByIdLoader:
        return self._make(RegistrationByIdLoader)

    @cached_property
    def deal_views_by_user(self) -> DealViewsByUserLoader:
        return self._make(DealViewsByUserLoader)

    @cached_property
    def call_summaries_by_deal(self) -> CallSummariesByDealLoader:
        return self._make(CallSummariesByDealLoader)

    @cached_property
    def call_summary_by_id(self) -> CallSummaryByIdLoader:
        return self._make(CallSummaryByIdLoader)

    @cached_property
    def call_by_id(self) -> CallByIdLoader:
        return self._make(CallByIdLoader)

    @cached_property
    def activities_by_deal(self) -> ActivitiesByDealLoader:
        return self._make(ActivitiesByDealLoader)

    @cached_property
    def activity_by_id(self) -> ActivityByIdLoader:
        return self._make(ActivityByIdLoader)
