"""Deal team mutations, one per module, merged into one class."""

from strawberry.tools import merge_types

from graph.teams.mutations.deal_team_update import DealTeamUpdateMutation

TeamMutation = merge_types("TeamMutation", (DealTeamUpdateMutation,))
