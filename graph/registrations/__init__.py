"""Deal registrations: submit, review and withdraw."""
