from feedback_service.adapters.rate_limit import SlidingWindowLimiter


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_admits_up_to_the_limit_per_window_then_says_how_long_to_wait():
    clock = Clock()
    limiter = SlidingWindowLimiter(3, 60, clock=clock)
    assert [limiter.admit("10.0.0.1") for _ in range(3)] == [None, None, None]
    clock.now += 20
    assert limiter.admit("10.0.0.1") == 40
    assert limiter.admit("10.0.0.2") is None, "each client has its own budget"
    clock.now += 40
    assert limiter.admit("10.0.0.1") is None, "the oldest request left the window"


def test_refused_requests_do_not_extend_the_wait():
    clock = Clock()
    limiter = SlidingWindowLimiter(1, 10, clock=clock)
    limiter.admit("c")
    for _ in range(5):
        clock.now += 1
        limiter.admit("c")
    clock.now += 5
    assert limiter.admit("c") is None


def test_forgets_idle_clients_to_bound_memory():
    clock = Clock()
    limiter = SlidingWindowLimiter(1, 10, clock=clock, max_clients=2)
    limiter.admit("a")
    limiter.admit("b")
    clock.now += 11
    limiter.admit("c")
    assert set(limiter._seen) == {"c"}
