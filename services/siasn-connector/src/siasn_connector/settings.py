"""The connector's settings: every name is also an environment variable (upper case).

The Kafka names are the ones Kinerja's own services read, so one deploy manifest style fits
both; the SIASN names say where the records go and how the connector authenticates there.
"""

from pathlib import Path
from typing import Literal

from kinerja_contracts.siasn import parse_code_table
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_CLIENT_ID = "kinerja-siasn-dev"
DEV_CLIENT_SECRET = "kinerja-siasn-dev-secret-not-for-production"


class ConnectorSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    # -- Kafka: the public topics, as an outside subscriber -------------------------------------
    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", description="the Kafka brokers")
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    kafka_sasl_username: str = ""
    kafka_sasl_password: SecretStr = SecretStr("")
    kafka_ssl_ca_file: str = Field("", description="PEM CA of the brokers' certificates; empty: the system's")
    consumer_group: str = Field(
        "siasn-connector", description="the Kafka consumer group (its KafkaUser may read this group only)"
    )
    consumer_batch_size: int = Field(500, ge=1, le=10_000, description="records stored per transaction")
    agencies: str = Field(
        "", description="comma-separated agency ids whose records go to SIASN; empty: every agency on the topics"
    )

    # -- SIASN ----------------------------------------------------------------------------------
    siasn_base_url: str = Field("http://127.0.0.1:8006", description="the SIASN-compatible API's base URL")
    siasn_token_url: str = Field(
        "", description="the OAuth2 token endpoint (client credentials); empty: <SIASN_BASE_URL>/oauth/token"
    )
    siasn_client_id: str = DEV_CLIENT_ID
    siasn_client_secret: SecretStr = SecretStr(DEV_CLIENT_SECRET)
    siasn_scope: str = Field("", description="the scope asked with the token; empty: none")
    siasn_token_auth: Literal["client_secret_basic", "client_secret_post"] = Field(
        "client_secret_basic", description="how the client authenticates at the token endpoint"
    )
    siasn_timeout_seconds: float = Field(10.0, gt=0, description="one request to SIASN, connect to last byte")
    siasn_concurrency: int = Field(4, ge=1, le=64, description="records sent at once")
    siasn_backoff_seconds: float = Field(0.5, gt=0, description="first wait after SIASN failed (then doubled)")
    siasn_backoff_max_seconds: float = Field(60.0, gt=0, description="longest wait between attempts")
    siasn_roster_grace_seconds: float = Field(
        5.0,
        ge=0,
        description="how long a record whose pegawai, penilai or period is not known yet waits for the roster"
        " event before it is sent with those fields null",
    )
    siasn_jenis_diklat_ids: str = Field(
        "",
        description="SIASN jenisDiklatId per Kinerja catalogue code, delivery method or form, e.g."
        " 'pelatihan=1,coaching=2,klasikal=1'; empty: jenisDiklatId is null and listed as missing",
    )

    # -- its own state and its HTTP API -------------------------------------------------------
    data_dir: Path = Field(Path(".data"), description="where the default SQLite file lives")
    database_url: str = Field(
        "", description="SQLAlchemy async URL of its state; empty: SQLite file DATA_DIR/siasn-connector.db"
    )
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    api_token: SecretStr = Field(
        SecretStr(""), description="when set, /reconciliation requires Authorization: Bearer <token> (it names NIPs)"
    )
    log_level: str = "INFO"

    @property
    def state_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{Path(self.data_dir).resolve() / 'siasn-connector.db'}"

    @property
    def token_url(self) -> str:
        return self.siasn_token_url or f"{self.siasn_base_url.rstrip('/')}/oauth/token"

    @property
    def agency_filter(self) -> frozenset[str] | None:
        chosen = frozenset(a.strip() for a in self.agencies.split(",") if a.strip())
        return chosen or None

    @property
    def jenis_diklat_table(self) -> dict[str, int]:
        return parse_code_table(self.siasn_jenis_diklat_ids)
