"""Settings mutations, one per module, merged into one class."""

from strawberry.tools import merge_types

from graph.settings.mutations.settings_update import SettingsUpdateMutation

SettingsMutation = merge_types("SettingsMutation", (SettingsUpdateMutation,))
