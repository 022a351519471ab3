"""The portal's settings, read from the environment (pydantic-settings)."""

from pathlib import Path
from typing import Literal

from kinerja_runtime.settings import DEV_JWT_SECRET, InsecureSettings
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SESSION_SECRET = "kinerja-portal-dev-session-secret-not-for-production"
MIN_SESSION_SECRET_BYTES = 32
SERVICES = ("target-service", "feedback-service", "appraisal-service", "training-service")


class PortalSettings(BaseSettings):
    """One portal process reads one set; every name is also an environment variable (upper case)."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    kinerja_env: Literal["development", "production"] = Field(
        "development", description="production: dev sign-in is off and the dev session secret is refused"
    )
    http_host: str = "127.0.0.1"
    http_port: int = Field(8005, description="the portal's port (make run: the port after the four services)")
    public_url: str = Field("", description="the portal's external URL, for the OIDC redirect; empty: the request's")

    target_service_url: str = "http://127.0.0.1:8001"
    feedback_service_url: str = "http://127.0.0.1:8002"
    appraisal_service_url: str = "http://127.0.0.1:8003"
    training_service_url: str = "http://127.0.0.1:8004"
    service_timeout_seconds: float = Field(10.0, gt=0, description="how long a page waits for a service")

    session_secret: str = Field(DEV_SESSION_SECRET, description="signs the session cookie (32 bytes or more)")
    session_max_age_seconds: int = Field(8 * 3600, ge=60, description="a session ends this long after sign-in")
    session_cookie_secure: bool | None = Field(None, description="Secure cookie; unset means on in production")

    oidc_issuer: str = Field(
        "",
        description="the identity provider's issuer URL (its discovery document is "
        "<issuer>/.well-known/openid-configuration)",
    )
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scopes: str = "openid profile"

    dev_sign_in: bool | None = Field(None, description="the dev sign-in page; unset means on except in production")
    dev_jwt_secret: str = Field(DEV_JWT_SECRET, description="signs dev tokens; must be the services' JWT_SECRET")
    dev_agency: str = Field(
        "",
        description="whose roster the dev sign-in page lists; empty: the agency the last "
        "`make demo` wrote to DATA_DIR/demo.json",
    )
    dev_hr_nip: str = Field(
        "197501052000011900", description="the NIP the dev sign-in gives the HR officer (the demo scenario's)"
    )
    dev_province_admin_nip: str = Field(
        "196908172000031001", description="the NIP the dev sign-in gives the province admin (of no agency's roster)"
    )
    dev_province_agency: str = Field("pemprov", description="the agency the dev province admin's token names")
    data_dir: Path = Field(Path(".data"), description="where `make demo` leaves demo.json")

    timezone: str = Field("Asia/Jakarta", description="the agency's local time zone for dates (WIB)")
    default_language: Literal["id", "en"] = "id"
    log_level: str = "INFO"

    @property
    def is_production(self) -> bool:
        return self.kinerja_env == "production"

    @property
    def dev_sign_in_enabled(self) -> bool:
        return self.dev_sign_in if self.dev_sign_in is not None else not self.is_production

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def cookie_secure(self) -> bool:
        return self.session_cookie_secure if self.session_cookie_secure is not None else self.is_production

    def service_urls(self) -> dict[str, str]:
        return {
            "target-service": self.target_service_url,
            "feedback-service": self.feedback_service_url,
            "appraisal-service": self.appraisal_service_url,
            "training-service": self.training_service_url,
        }

    def require_safe(self) -> None:
        """Refuse to run production on a secret published in this source code (anyone could forge a
        session), with dev sign-in on (anyone could be anyone), or without a way to sign in."""
        if not self.is_production:
            return
        if self.session_secret == DEV_SESSION_SECRET or len(self.session_secret.encode()) < MIN_SESSION_SECRET_BYTES:
            raise InsecureSettings(
                f"KINERJA_ENV is 'production' but SESSION_SECRET is the dev secret or shorter "
                f"than {MIN_SESSION_SECRET_BYTES} bytes; set SESSION_SECRET to a long random value"
            )
        if self.dev_sign_in_enabled:
            raise InsecureSettings(
                "KINERJA_ENV is 'production' but DEV_SIGN_IN is on; it lets anyone sign in as anyone"
            )
        if not self.oidc_enabled:
            raise InsecureSettings("KINERJA_ENV is 'production' but OIDC_ISSUER and OIDC_CLIENT_ID are not set")
