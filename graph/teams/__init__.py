"""Deal teams: who works a shared deal."""
