"""The public form's rate limit: per IP address and per postcode, counted in the database so
that it holds across every web process (decision 0100).

Neither the IP address nor the postcode is stored: each is kept as an HMAC-SHA256 under a key
derived from SECRET_KEY, which cannot be reversed without the key, and each count is deleted
two windows after its window starts (at most two hours for an IP address, two days for a
postcode, with the limits in data/limits.json).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from nestguard.public.models import SubmissionCount, public_limits


def key_hash(scope: str, value: str) -> str:
    key = hashlib.sha256(f"nestguard.public.throttle:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{scope}:{value}".encode(), hashlib.sha256).hexdigest()


def _window_start(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def _take(scope: str, value: str, now: datetime) -> bool:
    """Count one more submission for this key; True while it is within the limit."""
    rule = public_limits().get(scope)
    start = _window_start(now, int(rule["window_seconds"]))
    digest = key_hash(scope, value)
    try:
        with transaction.atomic():
            SubmissionCount.objects.create(
                scope=scope, key_hash=digest, window_start=start, count=1
            )
    except IntegrityError:  # another request (perhaps in another process) made the row first
        SubmissionCount.objects.filter(scope=scope, key_hash=digest, window_start=start).update(
            count=F("count") + 1
        )
    count = (
        SubmissionCount.objects.filter(scope=scope, key_hash=digest, window_start=start)
        .values_list("count", flat=True)
        .get()
    )
    return count <= int(rule["limit"])


def forget_old_counts(now: datetime) -> int:
    """Delete every count whose window started more than two of the longest windows ago."""
    longest = max(int(code["window_seconds"]) for code in public_limits().codes)
    deleted, _ = SubmissionCount.objects.filter(
        window_start__lt=now - timedelta(seconds=2 * longest)
    ).delete()
    return deleted


def submission_allowed(*, ip: str, postcode: str = "") -> bool:
    """Count this submission against the IP address and (when given) the postcode; False when
    either is over its limit. Every attempt counts, refused ones too, so that a script gains
    nothing by trying again at once."""
    now = timezone.now()
    forget_old_counts(now)
    allowed = _take("ip", ip or "unknown", now)
    if postcode:
        allowed = _take("postcode", postcode, now) and allowed
    return allowed
