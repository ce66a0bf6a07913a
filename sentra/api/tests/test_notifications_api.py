"""POST /api/v1/notifications/read: the body names what to mark, and "all" is never implied.

The audit sent `[null, null]` and every notification was marked read: a body the schema could not
read was taken as no body, and no body as "all". Now the body is `{"ids": [...]}` or `{"all": true}`,
anything else is a 422 with a clear error, and nothing changes.
"""

import json

import pytest

from sentra.accounts.models import Notification
from sentra.accounts.services import notifications_mark_read, notify
from sentra.core.errors import DomainError

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/read"


@pytest.fixture
def inbox(user, django_user_model):
    other = django_user_model.objects.create_user(username="lain", password="rahasia-sekali-123")
    mine = [notify(user_id=user.pk, message=f"Pesan {n}") for n in range(3)]
    theirs = notify(user_id=other.pk, message="Pesan orang lain")
    return mine, theirs


def mark(client, user, body):
    client.force_login(user)
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json")


def unread(user) -> int:
    return Notification.objects.filter(user=user, read_at=None).count()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param([None, None], id="list-of-nulls"),
        pytest.param([1, 2], id="bare-list"),
        pytest.param(None, id="null"),
        pytest.param({}, id="empty-object"),
        pytest.param({"ids": None}, id="ids-null"),
        pytest.param({"ids": []}, id="ids-empty"),
        pytest.param({"ids": [None, None]}, id="ids-nulls"),
        pytest.param({"ids": [0]}, id="ids-zero"),
        pytest.param({"ids": ["1; DROP"]}, id="ids-text"),
        pytest.param({"all": False}, id="all-false"),
        pytest.param({"all": "ya"}, id="all-text"),
        pytest.param({"ids": [1], "all": True}, id="both"),
        pytest.param({"id": [1]}, id="unknown-key"),
        pytest.param("", id="no-body"),
    ],
)
def test_a_malformed_body_is_refused_and_nothing_is_marked(client, user, inbox, body):
    response = mark(client, user, body)
    assert response.status_code == 422, (response.status_code, response.content[:300])
    assert response.json()["detail"]
    assert unread(user) == 3


def test_the_refusal_says_what_to_send(client, user, inbox):
    for body in ([None, None], {}, {"all": False}):
        detail = mark(client, user, body).json()["detail"]
        assert detail[0]["type"] == "ids_or_all", detail
        assert '{"ids": [id, …]} atau {"all": true}' in detail[0]["msg"]


def test_named_ids_mark_only_those_and_only_the_callers(client, user, inbox):
    mine, theirs = inbox
    response = mark(client, user, {"ids": [mine[0].pk, theirs.pk]})
    assert response.status_code == 200 and response.json() == {"marked": 1}
    assert unread(user) == 2
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_all_true_marks_every_unread_notification(client, user, inbox):
    assert mark(client, user, {"all": True}).json() == {"marked": 3}
    assert unread(user) == 0


def test_the_service_never_takes_all_by_omission(user, inbox):
    for ids in (None, [], [None], [0]):
        with pytest.raises(DomainError) as refused:
            notifications_mark_read(user=user, ids=ids)
        assert refused.value.code == "ids_or_all"
    with pytest.raises(DomainError):
        notifications_mark_read(user=user, ids=[inbox[0][0].pk], everything=True)
    assert unread(user) == 3
    assert notifications_mark_read(user=user, everything=True) == 3
