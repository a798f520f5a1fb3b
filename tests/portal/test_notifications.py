import pytest
from django.core import mail

from core.notifications import send_once


@pytest.mark.django_db
def test_same_notification_is_sent_once():
    assert send_once(key="k1", to="a@example.org", subject="S", body="B") is True
    assert send_once(key="k1", to="a@example.org", subject="S", body="B") is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_failed_send_leaves_no_ledger_row_so_retry_sends(monkeypatch):
    from core import notifications
    from core.models import SentNotification

    def boom(*args, **kwargs):
        raise ConnectionError("smtp down")

    monkeypatch.setattr(notifications, "send_mail", boom)
    with pytest.raises(ConnectionError):
        send_once(key="k2", to="a@example.org", subject="S", body="B")
    assert not SentNotification.objects.filter(key="k2").exists()
