"""Settings of the public citizen-survey endpoints, read from SURVEY_* environment variables."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SurveySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SURVEY_", extra="ignore", case_sensitive=False)

    rate_limit: int = Field(60, ge=1, description="Survey answers one client (IP address) may send per window")
    read_rate_limit: int = Field(300, ge=1, description="Public summary reads one client may make per window")
    rate_window_seconds: float = Field(60.0, gt=0, description="Length of the rate-limit window")
    max_body_bytes: int = Field(4096, ge=512, description="Largest survey request body accepted (413 above)")
    trust_forwarded_for: bool = Field(
        False,
        description="Take the client address from X-Forwarded-For (rightmost entry, as the one trusted proxy "
        "in front of the service appended it); off by default since clients could forge it",
    )
