"""The local stack behind ``make run`` and the end-to-end tests: the embedded broker and
the four services, each its own process, on loopback ports, with SQLite files in one folder.
``make run`` adds the web portal and the SIASN connector with its SIASN-compatible stub.
"""

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from kinerja_runtime.embedded_broker import EmbeddedBroker, free_port, wait_for_stop_signal


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    module: str
    default_port: int
    # Settings of the local stack, unless the environment sets them.
    dev_env: tuple[tuple[str, str], ...] = ()

    @property
    def env_prefix(self) -> str:
        return self.name.split("-")[0].upper()


SERVICES = (
    ServiceSpec("target-service", "target_service", 8001),
    # The demo plays many citizens from this machine, each named in X-Forwarded-For as an
    # ingress would; locally, loopback is that ingress.
    ServiceSpec("feedback-service", "feedback_service", 8002, dev_env=(("SURVEY_TRUSTED_PROXIES", "127.0.0.1,::1"),)),
    ServiceSpec("appraisal-service", "appraisal_service", 8003),
    ServiceSpec("training-service", "training_service", 8004),
)
# The web portal: the next port, in front of the four (its settings name their URLs).
PORTAL = ServiceSpec("web-portal", "web_portal", 8005)
# The SIASN connector, an outside subscriber of the public topics (it reads nothing else and
# imports no Kinerja code but the contract), and the SIASN-compatible stub it sends to.
SIASN_STUB = ServiceSpec("siasn-stub", "siasn_connector", 8006)
SIASN_CONNECTOR = ServiceSpec("siasn-connector", "siasn_connector", 8007)
# The stub's dev client; the stub and the connector are both started with it.
SIASN_DEV_CLIENT = (
    ("SIASN_CLIENT_ID", "kinerja-siasn-dev"),
    ("SIASN_CLIENT_SECRET", "kinerja-siasn-dev-secret-not-for-production"),
)


class StackError(RuntimeError):
    pass


@dataclass
class DevStack:
    data_dir: Path
    fixed_ports: bool = True
    extra_env: dict[str, str] = field(default_factory=dict)
    # Database URL per process name; a service not named here reads ``<PREFIX>_DATABASE_URL``
    # from the environment, else keeps its SQLite file under ``data_dir``.
    database_urls: dict[str, str] = field(default_factory=dict)
    broker: EmbeddedBroker | None = None
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    with_portal: bool = False
    with_siasn: bool = False

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    @property
    def bootstrap_servers(self) -> str:
        assert self.broker is not None
        return self.broker.bootstrap_servers

    def start(self) -> "DevStack":
        (self.data_dir / "logs").mkdir(parents=True, exist_ok=True)
        self.broker = EmbeddedBroker(log_file=self.data_dir / "logs" / "broker.log").start()
        try:
            for spec in SERVICES:
                self.ports[spec.name] = self._port_for(spec)
                self.start_service(spec.name)
            for spec in SERVICES:
                self.wait_ready(spec.name)
            if self.with_portal:
                self.ports[PORTAL.name] = self._port_for(PORTAL)
                self.start_portal()
                self.wait_ready(PORTAL.name)
            if self.with_siasn:
                self.start_siasn()
        except BaseException:
            self.stop()
            raise
        stack = {"broker": self.bootstrap_servers, "services": {s.name: self.url(s.name) for s in SERVICES}}
        if self.with_siasn:
            stack["siasn"] = {"connector": self.url(SIASN_CONNECTOR.name), "stub": self.url(SIASN_STUB.name)}
        (self.data_dir / "stack.json").write_text(json.dumps(stack, indent=2))
        return self

    def _port_for(self, spec: ServiceSpec) -> int:
        if not self.fixed_ports:
            return free_port()
        base = int(os.environ.get("KINERJA_BASE_PORT", "8001"))
        after = {PORTAL.name: 0, SIASN_STUB.name: 1, SIASN_CONNECTOR.name: 2}
        return base + (len(SERVICES) + after[spec.name] if spec.name in after else SERVICES.index(spec))

    def _env(self, spec: ServiceSpec, process: str, overrides: dict[str, str]) -> dict[str, str]:
        env = dict(os.environ)
        for key, value in spec.dev_env:
            env.setdefault(key, value)
        env.update(
            {
                "SERVICE_NAME": spec.name,
                "HTTP_PORT": str(self.ports[process]),
                "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
                "DATA_DIR": str(self.data_dir),
                # A per-service URL (e.g. TARGET_DATABASE_URL) moves that service to a real database.
                "DATABASE_URL": self.database_urls.get(process)
                or os.environ.get(f"{spec.env_prefix}_DATABASE_URL", ""),
            }
        )
        env.update(self.broker.client_env)
        env.update(self.extra_env)
        env.update(overrides)
        return env

    def start_service(self, name: str, *, process: str | None = None, env: dict[str, str] | None = None) -> None:
        """Start service ``name`` as process ``process`` (default: the service's own name).

        A second process of the same service (e.g. a replica replaying the topics into its own
        database) gets its own name, a free port and whatever ``env`` overrides."""
        spec = next(s for s in SERVICES if s.name == name)
        process = process or name
        if process not in self.ports:
            self.ports[process] = free_port()
        log = open(self.data_dir / "logs" / f"{process}.log", "ab")
        self.processes[process] = subprocess.Popen(
            [sys.executable, "-m", spec.module],
            env=self._env(spec, process, env or {}),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_portal(self) -> None:
        """The portal, told where the four services answer and where `make demo` leaves its agency."""
        env = dict(os.environ)
        env.update({f"{s.env_prefix}_SERVICE_URL": self.url(s.name) for s in SERVICES})
        env.update({"HTTP_PORT": str(self.ports[PORTAL.name]), "DATA_DIR": str(self.data_dir)})
        env.update(self.extra_env)
        log = open(self.data_dir / "logs" / f"{PORTAL.name}.log", "ab")
        self.processes[PORTAL.name] = subprocess.Popen(
            [sys.executable, "-m", PORTAL.module],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_siasn(self) -> None:
        """The SIASN-compatible stub, then the connector sending to it (its state: SQLite under
        ``data_dir``, or ``SIASN_CONNECTOR_DATABASE_URL``). The connector is configured like any
        outside subscriber: the broker's address, SIASN's URL and client, nothing of Kinerja's."""
        for spec in (SIASN_STUB, SIASN_CONNECTOR):
            self.ports[spec.name] = self._port_for(spec)
        env = dict(os.environ)
        for key, value in SIASN_DEV_CLIENT:
            env.setdefault(key, value)
        env.update({"DATA_DIR": str(self.data_dir), "HTTP_HOST": "127.0.0.1"})
        self._spawn(SIASN_STUB.name, ["stub"], env | {"HTTP_PORT": str(self.ports[SIASN_STUB.name])})
        self.wait_ready(SIASN_STUB.name)
        connector_env = env | {
            "HTTP_PORT": str(self.ports[SIASN_CONNECTOR.name]),
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "SIASN_BASE_URL": self.url(SIASN_STUB.name),
            "DATABASE_URL": self.database_urls.get(SIASN_CONNECTOR.name)
            or os.environ.get("SIASN_CONNECTOR_DATABASE_URL", ""),
        }
        self._spawn(SIASN_CONNECTOR.name, ["run"], connector_env | self.extra_env)
        self.wait_ready(SIASN_CONNECTOR.name)

    def _spawn(self, process: str, args: list[str], env: dict[str, str]) -> None:
        log = open(self.data_dir / "logs" / f"{process}.log", "ab")
        self.processes[process] = subprocess.Popen(
            [sys.executable, "-m", "siasn_connector", *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def pid(self, process: str) -> int:
        return self.processes[process].pid

    def wait_ready(self, name: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = self.processes[name]
            if process.poll() is not None:
                raise StackError(f"{name} exited with code {process.returncode}; see {self.data_dir}/logs/{name}.log")
            try:
                if httpx.get(f"{self.url(name)}/health/ready", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise StackError(f"{name} was not ready within {timeout:.0f} s; see {self.data_dir}/logs/{name}.log")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes[name]
        process.send_signal(sig)
        process.wait(15)

    def stop_service(self, name: str) -> None:
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop(self) -> None:
        for name in list(self.processes):
            self.stop_service(name)
        if self.broker:
            self.broker.stop()

    def __enter__(self) -> "DevStack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    data_dir = Path(os.environ.get("DATA_DIR", ".data")).resolve()
    stack = DevStack(data_dir, with_portal=True, with_siasn=True)
    print("Starting the embedded broker, the four services, the web portal and the SIASN connector ...", flush=True)
    try:
        stack.start()
    except (StackError, OSError) as exc:
        print(f"could not start the stack: {exc}", file=sys.stderr)
        sys.exit(1)
    print(f"\nbroker   {stack.broker.kind}")
    for spec in SERVICES:
        print(f"{spec.name:<18} {stack.url(spec.name)}   docs: {stack.url(spec.name)}/docs")
    print(f"\nweb portal         {stack.url(PORTAL.name)}   (sign in as a demo person after `make demo`)")
    connector = stack.url(SIASN_CONNECTOR.name)
    print(f"\nSIASN connector    {connector}   reconciliation: {connector}/reconciliation  (?records=true per record)")
    print(
        f"SIASN stub         {stack.url(SIASN_STUB.name)}   what it holds: {stack.url(SIASN_STUB.name)}/admin/records"
    )
    print("                   or: make siasn-report")
    print(f"\ndata and logs: {data_dir}  (logs/<service>.log)")
    print("a dev token:   make token NIP=199001012020011001 AGENCY=demo ROLES=hr")
    print("drive a flow:  make demo      stop: Ctrl-C\n", flush=True)
    try:
        wait_for_stop_signal()
    finally:
        print("stopping ...", flush=True)
        stack.stop()
        print("stopped.")


if __name__ == "__main__":
    main()
