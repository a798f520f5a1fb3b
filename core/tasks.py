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
