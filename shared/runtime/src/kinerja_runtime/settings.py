"""Settings every service reads from its environment (pydantic-settings)."""

from datetime import tzinfo
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kinerja_runtime.zones import fixed_offset, zone_named

DEV_JWT_SECRET = "kinerja-dev-secret-not-for-production"
DEV_ISSUER = "kinerja-dev"
MIN_JWT_SECRET_BYTES = 32  # HS256 wants a key at least as long as its 256-bit hash (RFC 7518 3.2)


class InsecureSettings(RuntimeError):
    """The settings would run a deployment with the development signing key."""


class ServiceSettings(BaseSettings):
    """Runtime configuration shared by all services; one process reads one set."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    kinerja_env: Literal["development", "production"] = Field(
        "development", description="production: the dev signing secret is refused and /docs is off by default"
    )
    service_name: str = Field("kinerja", description="Name bound to logs, CloudEvents source and consumer groups")
    database_url: str = Field("", description="SQLAlchemy async URL; empty means a SQLite file under DATA_DIR")
    database_pool_size: int = Field(15, description="Connections each process keeps to PostgreSQL")
    migrate_on_start: bool = Field(
        True,
        description="Run the service's Alembic migrations before serving (make run, the tests). false: a "
        "migrations Job runs `python -m <package> migrate` and the service only checks, at start, that its "
        "database has this code's revisions",
    )
    data_dir: Path = Field(Path(".data"), description="Folder for embedded SQLite files")
    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers")
    kafka_acks: str = Field("all", description="Producer acks: all (every in-sync replica), 1 or 0")
    kafka_idempotent_producer: bool = Field(
        True,
        description="Idempotent producer (no duplicates from the producer's own retries); off for the embedded "
        "Tansu, which cannot do InitProducerId",
    )
    kafka_linger_ms: int = Field(10, description="How long the producer gathers records into one request")
    kafka_max_batch_bytes: int = Field(256 * 1024, description="Most bytes of records per partition in one request")
    kafka_max_request_bytes: int = Field(
        1024 * 1024, description="Largest record the producer sends (the broker's limit)"
    )
    kafka_request_timeout_ms: int = Field(
        40_000, description="How long the producer retries a record before failing it"
    )
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT",
        description="How the service connects to the broker: PLAINTEXT for the embedded broker; the "
        "deploy manifests use SASL_SSL (SCRAM credentials of the service's KafkaUser over TLS)",
    )
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] = Field(
        "SCRAM-SHA-512", description="SASL mechanism when the protocol is SASL_*"
    )
    kafka_sasl_username: str = Field("", description="SASL user (the KafkaUser's name); required with SASL_*")
    kafka_sasl_password: SecretStr = Field(SecretStr(""), description="SASL password; required with SASL_*")
    kafka_ssl_ca_file: str = Field(
        "", description="PEM file of the CA that signed the brokers' certificates (SSL, SASL_SSL); empty: the system's"
    )
    default_timezone: str = Field(
        "Asia/Jakarta",
        description="IANA time zone of an agency the registry does not know (AgencyRegistered gives each agency "
        "its own): the days rules count (objection windows, due dates, a survey answer's period) are local days",
    )
    agency_utc_offset_hours: float | None = Field(
        None,
        ge=-12,
        le=14,
        validation_alias=AliasChoices("agency_utc_offset_hours", "appraisal_utc_offset_hours"),
        description="Deprecated (use DEFAULT_TIMEZONE): when set, the default zone is this fixed UTC offset, as "
        "before the agency registry; APPRAISAL_UTC_OFFSET_HOURS is read too, its former name",
    )
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    http_max_body_bytes: int = Field(
        1024 * 1024,
        ge=1024,
        description="Largest request body a route takes unless it declares its own "
        "max_body_size (413 beyond); counted while streaming, so a chunked body is bounded too",
    )
    http_docs_enabled: bool | None = Field(
        None, description="Serve /docs, /redoc, /openapi.json and /asyncapi.json; unset means on except in production"
    )
    metrics_enabled: bool = Field(True, description="Serve Prometheus metrics at /metrics")
    metrics_token: str = Field("", description="When set, /metrics answers only with 'Authorization: Bearer <token>'")
    log_level: str = "INFO"
    log_json: bool = True

    jwt_issuer: str = DEV_ISSUER
    jwt_audience: str = "kinerja"
    jwt_secret: str = Field(DEV_JWT_SECRET, description="HS256 key of the dev issuer")
    jwt_public_key: str = Field("", description="PEM public key; when set, tokens are verified with RS256 instead")

    outbox_poll_seconds: float = 0.5
    outbox_batch_size: int = 1000
    outbox_linger_ms: float = Field(10, description="After a wake, how long the relay waits for more rows to batch")
    outbox_lease_seconds: float = 10.0
    outbox_retention_hours: float = 24 * 7
    access_log_retention_days: int = Field(
        730, ge=1, description="How long access-log entries are kept (who read or changed a personal record)"
    )

    consumer_group: str = Field("", description="Kafka consumer group; empty means the service name")
    consumer_max_attempts: int = 4
    consumer_batch_size: int = Field(500, description="Most records applied in one database transaction")
    consumer_backoff_seconds: float = 0.2

    @model_validator(mode="after")
    def _sasl_needs_credentials(self) -> "ServiceSettings":
        # Fail at start-up, not at the first connection attempt minutes later.
        if self.kafka_security_protocol.startswith("SASL_") and not (
            self.kafka_sasl_username and self.kafka_sasl_password.get_secret_value()
        ):
            raise ValueError(
                f"KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol} needs KAFKA_SASL_USERNAME and "
                "KAFKA_SASL_PASSWORD"
            )
        return self

    @field_validator("default_timezone")
    @classmethod
    def _an_iana_zone(cls, name: str) -> str:
        try:
            zone_named(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"DEFAULT_TIMEZONE {name!r} is not an IANA time zone (e.g. Asia/Jakarta)") from None
        return name

    def default_zone(self) -> tzinfo:
        """The zone an agency not registered counts its days in: AGENCY_UTC_OFFSET_HOURS when set
        (deprecated), else DEFAULT_TIMEZONE."""
        if self.agency_utc_offset_hours is not None:
            return fixed_offset(self.agency_utc_offset_hours)
        return zone_named(self.default_timezone)

    @property
    def is_production(self) -> bool:
        """A real deployment: declared so, or trusting an issuer other than the dev one."""
        return self.kinerja_env == "production" or self.jwt_issuer != DEV_ISSUER

    @property
    def docs_enabled(self) -> bool:
        return self.http_docs_enabled if self.http_docs_enabled is not None else self.kinerja_env != "production"

    def require_signing_key(self) -> None:
        """Refuse to run a real deployment with the dev secret, which is published in this source
        code: anyone could mint tokens for any NIP, role and agency."""
        if not self.is_production or self.jwt_public_key:
            return
        why = (
            f"KINERJA_ENV is {self.kinerja_env!r}"
            if self.kinerja_env == "production"
            else f"JWT_ISSUER is {self.jwt_issuer!r}"
        )
        if self.jwt_secret == DEV_JWT_SECRET or not self.jwt_secret:
            raise InsecureSettings(
                f"{why} but tokens would be checked with the public dev secret; set JWT_PUBLIC_KEY (the identity "
                f"provider's PEM public key) or JWT_SECRET (a secret of at least {MIN_JWT_SECRET_BYTES} bytes)"
            )
        if len(self.jwt_secret.encode()) < MIN_JWT_SECRET_BYTES:
            raise InsecureSettings(
                f"{why} but JWT_SECRET is shorter than {MIN_JWT_SECRET_BYTES} bytes; set a longer "
                "JWT_SECRET or JWT_PUBLIC_KEY"
            )

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{self.service_name}.db').resolve()}"
