"""``make bench-province``: a province's year through the real services, on PostgreSQL and the
embedded broker, over HTTP; then a replay of the year's topics into fresh consumers."""
