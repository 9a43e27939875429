"""Notification mutations, one per module, merged into one class."""

from strawberry.tools import merge_types

from graph.notifications.mutations.notifications_mark_read import NotificationsMarkReadMutation

NotificationMutation = merge_types("NotificationMutation", (NotificationsMarkReadMutation,))
