"""Live updates: the viewer's notifications and a deal's activity, over WebSockets."""
