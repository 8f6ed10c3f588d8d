"""A real `prkg serve` in a subprocess on a free loopback port, for the reliability tests.

The reliability guarantees are about the service as it is deployed: the `prkg serve`
command, uvicorn, the HTTP parser in front of FastAPI, the worker processes. So these tests
start that command (not a TestClient) and talk to it over a socket. `raw_request` sends the
exact bytes given, so a test can send what no well-behaved HTTP client would (invalid
UTF-8, broken percent-encoding, a request line of megabytes).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def raw_request(
    host: str, port: int, data: bytes, timeout: float = 30.0, source: str | None = None
) -> RawResponse:
    """Send `data` as it is and read one HTTP response (status, headers, body).

    `source` picks the loopback address the request comes from: the endpoint's per-client
    limits see each address as a client of its own."""
    start = time.perf_counter()
    address = (source, 0) if source else None
    with socket.create_connection((host, port), timeout=timeout, source_address=address) as sock:
        # the server may answer (413, 400) and close before reading everything
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        response = http.client.HTTPResponse(sock, method=data.split(b" ", 1)[0].decode("latin-1"))
        response.begin()
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return RawResponse(response.status, headers, body, time.perf_counter() - start)


def build_request(
    method: str,
    target: bytes | str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    *,
    content_length: bool = True,
) -> bytes:
    """The bytes of one HTTP/1.1 request; `target` is sent verbatim (no escaping)."""
    if isinstance(target, str):
        target = target.encode("latin-1")
    lines = [method.encode("ascii") + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: ".encode("latin-1") + value.encode("latin-1"))
    if content_length and (body or method in {"POST", "PUT", "PATCH"}):
        lines.append(f"Content-Length: {len(body)}".encode())
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class LiveServer:
    """`prkg serve --store STORE` on 127.0.0.1:<free port>, with extra PRKG_* environment."""

    def __init__(
        self,
        store_dir: Path,
        log_path: Path,
        env: dict[str, str] | None = None,
        data_dir: Path | None = None,
        extra_args: list[str] | None = None,
    ) -> None:
        self.store_dir = store_dir
        self.log_path = log_path
        self.env = env or {}
        self.data_dir = data_dir or Path("/nonexistent-prkg-data")  # never build on start
        self.extra_args = extra_args or []
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "api.cli", "serve", "--store", str(self.store_dir),
                "--data", str(self.data_dir), "--host", "127.0.0.1", "--port", str(self.port),
                *self.extra_args]  # fmt: skip

    def start(self, timeout: float = 90.0) -> LiveServer:
        self.port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT), **self.env}
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(self.command(), cwd=ROOT, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"prkg serve exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if self.get("/sparql?query=ASK%7B%7D", timeout=5).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"prkg serve did not answer within {timeout} s:\n{self.log()}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ensure_running(self) -> None:
        """Restart after a crash (the crash itself is what the calling test reports)."""
        if not self.alive():
            self.stop()
            self.restarts += 1
            self.start()

    def send(self, data: bytes, timeout: float = 60.0, source: str | None = None) -> RawResponse:
        return raw_request("127.0.0.1", self.port, data, timeout, source)

    def get(
        self,
        target: str,
        headers: dict[str, str] | None = None,
        timeout: float = 60.0,
        source: str | None = None,
    ) -> RawResponse:
        return self.send(build_request("GET", target, headers), timeout, source)

    def healthy(self) -> bool:
        """Alive and answering an ordinary query correctly."""
        if not self.alive():
            return False
        try:
            accept = {"Accept": "application/sparql-results+json"}
            answer = self.get("/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", accept, timeout=30)
        except OSError:
            return False
        return answer.status == 200 and b'"boolean":true' in answer.body.replace(b" ", b"")

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None  # type: ignore[assignment]

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
