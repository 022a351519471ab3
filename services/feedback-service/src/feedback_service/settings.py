"""Settings of the public citizen-survey endpoints, read from SURVEY_* environment variables
(and REDIS_URL, the store the rate limits share between replicas)."""

from ipaddress import IPv4Network, IPv6Network
from typing import Annotated

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Network = IPv4Network | IPv6Network


class SurveySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SURVEY_", extra="ignore", case_sensitive=False)

    rate_limit: int = Field(60, ge=1, description="Survey answers one client (IP address) may send per window")
    read_rate_limit: int = Field(300, ge=1, description="Public summary reads one client may make per window")
    rate_window_seconds: int = Field(60, ge=1, description="Length of the rate-limit window, in seconds")
    officer_ratings_per_day: int = Field(
        1,
        ge=1,
        description="Answers naming one officer that one client may send in 24 hours (429 beyond)",
    )
    max_body_bytes: int = Field(4096, ge=512, description="Largest survey request body accepted (413 above)")
    trusted_proxies: Annotated[list[Network], NoDecode] = Field(
        default_factory=list,
        description="Addresses or CIDRs (10.0.0.7, 10.0.0.0/8) of the proxies in front of the service, comma-separated. Only a request "
        "from one of them has its X-Forwarded-For read; the client is the right-most address not in this list",
    )
    redis_url: str | None = Field(
        None,
        validation_alias=AliasChoices("REDIS_URL", "SURVEY_REDIS_URL"),
        description="redis://host:port/db shared by every replica; unset: each process counts in its own memory",
    )
    rate_key_prefix: str = Field(
        "kinerja-feedback",
        min_length=1,
        max_length=64,
        description="Prefix of the rate-limit keys in Redis (deployments sharing one Redis keep apart)",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split(cls, value):
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value
