"""What every app's Celery tasks share: the retry policy for transient failures."""

# Transient failures worth retrying: the mail server or the network hiccups. Tasks use these with
# `autoretry_for=TRANSIENT_ERRORS, retry_backoff=True` so that a retry waits 1 s, 2 s, 4 s... up to 10 min.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError, OSError)
RETRY_POLICY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}


from celery import shared_task  # noqa: E402


@shared_task(**RETRY_POLICY)
def clean_security_log() -> int:
    """Delete security-log events older than settings.SECURITY_LOG_RETENTION_DAYS (idempotent)."""
    from .security import clean_old_events

    return clean_old_events()
