"""A real Virtuoso server for tests and the benchmark: temp database, loopback ports, clean stop.

Virtuoso is started from the Debian package's `virtuoso-t` with a virtuoso.ini written into a
temporary directory, so nothing of the system installation (its database, its ports) is
touched. SPARQL Update and the Graph Store Protocol are reached through Virtuoso's
authenticated endpoints (`/sparql-auth`, `/sparql-graph-crud-auth`) with the `dba` account and
HTTP digest authentication, as a site that hosts the graph would set it up.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BINARY = "virtuoso-t"
ISQL_BINARIES = ("isql-vt", "isql")
VSP_ROOT = Path("/var/lib/virtuoso-opensource-7/vsp")
DBA_USER = "dba"
DBA_PASSWORD = "dba"  # the password of a freshly created Virtuoso database
SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)


def virtuoso_binary() -> str | None:
    """Path of `virtuoso-t`, or None when the Debian package is not installed."""
    return shutil.which(BINARY)


def isql_binary() -> str | None:
    for name in ISQL_BINARIES:
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


INI_TEMPLATE = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 40
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {db}, {load_dirs}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
MaxQueryMem = 1G
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {vsp}
MaxClientConnections = 40
ServerThreads = 40
MaxKeepAlives = 40
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 0
MaxSortedTopRows = 100000
"""


@dataclass
class VirtuosoServer:
    """One Virtuoso process on loopback ports, with its database in `root`.

    `buffers` is Virtuoso's NumberOfBuffers (8 KiB pages held in memory): the default here,
    about 680 MiB, is what Virtuoso's own guide suggests for a machine that gives it 1 GiB.
    """

    root: Path
    http_port: int = field(default_factory=free_port)
    sql_port: int = field(default_factory=free_port)
    buffers: int = 85_000
    load_dirs: tuple[Path, ...] = ()
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        """Read-only, anonymous SPARQL endpoint."""
        return f"{self.base_url}/sparql"

    @property
    def update_url(self) -> str:
        """SPARQL endpoint that accepts updates (digest auth as dba)."""
        return f"{self.base_url}/sparql-auth"

    @property
    def graph_store_url(self) -> str:
        """Graph Store Protocol endpoint (digest auth as dba)."""
        return f"{self.base_url}/sparql-graph-crud-auth"

    @property
    def ini_path(self) -> Path:
        return self.root / "virtuoso.ini"

    @property
    def log_path(self) -> Path:
        return self.root / "virtuoso.log"

    def write_ini(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        vsp = VSP_ROOT if VSP_ROOT.is_dir() else self.root
        dirs = ", ".join(str(d) for d in self.load_dirs) or str(self.root)
        self.ini_path.write_text(
            INI_TEMPLATE.format(
                db=self.root,
                sql_port=self.sql_port,
                http_port=self.http_port,
                vsp=vsp,
                load_dirs=dirs,
                buffers=self.buffers,
                dirty_buffers=self.buffers * 3 // 4,
            ),
            encoding="utf-8",
        )

    def start(self, timeout: float = 90.0) -> None:
        """Start the server (creating the database on first start) and wait until it answers."""
        binary = virtuoso_binary()
        if binary is None:
            raise RuntimeError("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
        if self.process is not None and self.process.poll() is None:
            return
        self.write_ini()
        out = open(self.root / "stdout.log", "ab")  # noqa: SIM115 - handed to the process
        self.process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(self.ini_path)],
            cwd=self.root,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()
        self.wait_ready(timeout)
        self.hide_system_graphs()

    def hide_system_graphs(self) -> None:
        """Make Virtuoso's own graphs private, so the anonymous /sparql union is our data only.

        Virtuoso answers a query without FROM from all graphs, its system graphs (quad-map
        metadata, service description, LDP) included; a site serving prkg does this once.
        """
        marker = self.root / "system-graphs-private"
        if marker.exists():
            return
        group = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"
        statements = [f"DB.DBA.RDF_GRAPH_GROUP_CREATE ('{group}', 1);"]
        statements += [
            f"DB.DBA.RDF_GRAPH_GROUP_INS ('{group}', '{graph}');" for graph in SYSTEM_GRAPHS
        ]
        statements += [
            "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1);",  # read public graphs
            "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);",  # nothing of private ones
        ]
        self.isql(" ".join(statements))
        marker.touch()

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"Virtuoso exited with code {self.process.returncode}; log: {self._log_tail()}"
                )
            try:
                response = httpx.get(self.sparql_url, params={"query": "ASK {}"}, timeout=2)
                if response.status_code == 200:
                    return
                last_error = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                last_error = str(exc)
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"Virtuoso did not answer within {timeout:.0f} s ({last_error})")

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the server: SIGTERM makes Virtuoso checkpoint and exit; SIGKILL after timeout."""
        proc = self.process
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def isql(self, sql: str, timeout: float = 3600.0) -> str:
        """Run SQL through Virtuoso's isql client (the bulk loader is reached this way)."""
        binary = isql_binary()
        if binary is None:
            raise RuntimeError("isql-vt is not installed with virtuoso-opensource")
        result = subprocess.run(
            [binary, f"127.0.0.1:{self.sql_port}", DBA_USER, DBA_PASSWORD, f"exec={sql}"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        output = result.stdout + result.stderr
        if result.returncode != 0 or "*** Error" in output:
            raise RuntimeError(f"isql failed on {sql!r}: {output.strip()}")
        return output

    def bulk_load(self, path: Path, graph: str = "urn:prkg:unused-default") -> None:
        """Load an N-Quads file with Virtuoso's bulk loader (graphs are taken from the quads).

        The file's directory must be among `load_dirs` (Virtuoso's DirsAllowed). `graph` is
        only where triples without a graph would go; N-Quads name theirs.
        """
        directory = path.resolve().parent
        self.isql(f"ld_dir('{directory}', '{path.name}', '{graph}');")
        self.isql("rdf_loader_run();")
        self.isql("checkpoint;")
        errors = self.isql(
            "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;"
        )
        if "0 Rows" not in errors:
            raise RuntimeError(f"Virtuoso bulk load reported errors: {errors}")

    def _log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
