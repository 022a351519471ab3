"""The public survey's rate limits on the embedded default, the in-process memory store:
answers, reads and officer ratings counted apart, each identity on its own budget."""

import pytest
from feedback_service.adapters.rate_limits import RateLimits
from feedback_service.settings import SurveySettings
from limits.aio.storage import MemoryStorage


@pytest.fixture
def limits(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("SURVEY_REDIS_URL", raising=False)
    return RateLimits(SurveySettings(rate_limit=2, read_rate_limit=3, rate_window_seconds=60))


async def test_without_redis_url_the_limits_are_kept_in_this_process(limits):
    assert limits.shared is False
    assert isinstance(limits._limiter.storage, MemoryStorage)


async def test_admits_up_to_the_limit_then_says_how_long_to_wait(limits):
    assert [await limits.admit(limits.answers, "198.51.100.7") for _ in range(2)] == [None, None]
    wait = await limits.admit(limits.answers, "198.51.100.7")
    assert wait is not None and 1 <= wait <= 60
    assert await limits.admit(limits.answers, "198.51.100.8") is None, "each client has its own budget"
    assert await limits.admit(limits.reads, "198.51.100.7") is None, "reads are counted apart from answers"


async def test_one_officer_rating_per_client_per_officer_in_24_hours(limits):
    officer, other = "199001012015011001", "199202022016022002"
    assert await limits.admit(limits.officer_ratings, "198.51.100.7", officer) is None
    wait = await limits.admit(limits.officer_ratings, "198.51.100.7", officer)
    assert wait is not None and 86_000 < wait <= 86_400
    assert await limits.admit(limits.officer_ratings, "198.51.100.7", other) is None, "another officer"
    assert await limits.admit(limits.officer_ratings, "198.51.100.8", officer) is None, "another client"
    assert limits.officer_ratings.describe() == "at most 1 per 24 hours"


async def test_the_officer_cap_is_configurable():
    raised = RateLimits(SurveySettings(officer_ratings_per_day=2))
    results = [await raised.admit(raised.officer_ratings, "c", "n") for _ in range(3)]
    assert results[:2] == [None, None] and results[2] is not None


def test_with_redis_url_the_limits_are_shared(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert RateLimits(SurveySettings()).shared is True, "no connection is made until the first request"
