"""Where connection events become notifications (issue 11): webhooks and emails."""


def event_committed(event_id: int) -> None:
    """Called once the transaction that wrote the ConnectionEvent has committed: enqueue one
    delivery per matching subscription (the background worker sends them). Must not raise."""
