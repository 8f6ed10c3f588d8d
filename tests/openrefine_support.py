"""OpenRefine as a real reconciliation client: the Debian package, started headless on a
loopback port with a temporary workspace, and driven through the HTTP commands its own web
client sends (create a project from an upload, apply operations, poll its processes, read rows).

The operations are the JSON that OpenRefine's "Undo / Redo → Extract" shows for a
reconciliation and for "Add columns from reconciled values", so the test runs exactly what a
researcher's clicks run.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

OPENREFINE_HOME = Path("/usr/share/openrefine")
ROW_ENGINE = {"facets": [], "mode": "row-based"}


class OpenRefineError(RuntimeError):
    """OpenRefine did not start, or refused or failed an operation."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cell:
    """One cell as OpenRefine holds it: its value and, once reconciled, its judgement."""

    value: Any
    judgment: str | None = None  # "matched", "new" or "none"
    match: str | None = None  # the matched entity's id
    candidates: list[tuple[str, float]] = field(default_factory=list)


class OpenRefine:
    """A headless OpenRefine process of its own (start with `with OpenRefine(dir) as refine`)."""

    def __init__(self, workspace: Path, log: Path, memory: str = "800M") -> None:
        self.workspace = workspace
        self.log = log
        self.memory = memory
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.http = httpx.Client(timeout=120)
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> OpenRefine:
        refine = OPENREFINE_HOME / "refine"
        if not refine.exists() or shutil.which("java") is None:
            raise OpenRefineError(
                "OpenRefine is not installed: tests/run.sh installs the Debian package openrefine")
        self.workspace.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(refine), "-i", "127.0.0.1", "-p", str(self.port), "-d", str(self.workspace),
                 "-m", self.memory, "-x", "refine.headless=true"],
                cwd=OPENREFINE_HOME, stdout=out, stderr=subprocess.STDOUT,
                env={**os.environ, "no_proxy": "127.0.0.1,localhost"}, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise OpenRefineError(f"OpenRefine exited at start; see {self.log}")
            try:
                self._token()
                return self
            except httpx.HTTPError:
                time.sleep(0.5)
        self.__exit__(None, None, None)
        raise OpenRefineError(f"OpenRefine did not answer within 120 s; see {self.log}")

    def __exit__(self, *exc: object) -> None:
        self.http.close()
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)

    def _token(self) -> str:
        response = self.http.get(f"{self.base}/command/core/get-csrf-token")
        response.raise_for_status()
        return str(response.json()["token"])

    def create_project(self, name: str, csv_text: str) -> str:
        """A project from a CSV upload, as File → Create project → This computer does."""
        options = {"separator": ",", "headerLines": 1, "encoding": "UTF-8", "ignoreLines": -1,
                   "skipDataLines": 0, "limit": -1, "storeBlankRows": True,
                   "guessCellValueTypes": False, "processQuotes": True,
                   "storeBlankCellsAsNulls": True, "includeFileSources": False}
        response = self.http.post(
            f"{self.base}/command/core/create-project-from-upload",
            params={"csrf_token": self._token()},
            files={"project-file": (f"{name}.csv", csv_text.encode("utf-8"), "text/csv")},
            data={"project-name": name, "format": "text/line-based/*sv",
                  "options": json.dumps(options)},
            follow_redirects=False)
        location = response.headers.get("location", "")
        if response.status_code != 302 or "project=" not in location:
            raise OpenRefineError(
                f"project not created: {response.status_code} {response.text[:300]}")
        return location.split("project=", 1)[1]

    def apply(self, project: str, operations: list[dict[str, Any]]) -> None:
        """Apply operations (Undo / Redo → Apply) and wait until their processes are done."""
        response = self.http.post(
            f"{self.base}/command/core/apply-operations",
            params={"project": project, "csrf_token": self._token()},
            data={"operations": json.dumps(operations)})
        body = response.json()
        if response.status_code != 200 or body.get("code") not in {"ok", "pending"}:
            raise OpenRefineError(f"operations refused: {response.text[:500]}")
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            processes = self.http.get(f"{self.base}/command/core/get-processes",
                                      params={"project": project}).json().get("processes", [])
            if not processes:
                return
            time.sleep(0.3)
        raise OpenRefineError("OpenRefine's processes did not finish within 300 s")

    def reconcile(self, project: str, column: str, service: str, space: str, schema: str) -> None:
        """Reconcile → Start reconciling, against any type, with "auto-match" on."""
        self.apply(project, [{
            "op": "core/recon", "engineConfig": ROW_ENGINE, "columnName": column,
            "config": {"mode": "standard-service", "service": service,
                       "identifierSpace": space, "schemaSpace": schema, "type": None,
                       "autoMatch": True, "columnDetails": [], "limit": 0},
            "description": f"Reconcile cells in column {column}"}])

    def extend(self, project: str, column: str, service: str, space: str, schema: str,
               properties: list[str], insert_at: int = 1) -> None:
        """Edit column → Add columns from reconciled values (data extension)."""
        self.apply(project, [{
            "op": "core/extend-reconciled-data", "engineConfig": ROW_ENGINE,
            "baseColumnName": column, "endpoint": service, "identifierSpace": space,
            "schemaSpace": schema, "columnInsertIndex": insert_at,
            "extension": {"properties": [{"id": p, "name": p} for p in properties]},
            "description": f"Extend data at index {insert_at} based on column {column}"}])

    def rows(self, project: str) -> list[dict[str, Cell]]:
        """Every row, as column name → cell (recon judgements read from the row pool)."""
        models = self.http.get(f"{self.base}/command/core/get-models",
                               params={"project": project}).json()
        columns = {c["cellIndex"]: c["name"] for c in models["columnModel"]["columns"]}
        answer = self.http.post(f"{self.base}/command/core/get-rows",
                                params={"project": project, "start": 0, "limit": 100000},
                                data={"engine": json.dumps(ROW_ENGINE)}).json()
        recons = answer.get("pool", {}).get("recons", {})
        rows = []
        for row in answer["rows"]:
            cells: dict[str, Cell] = {}
            for index, raw in enumerate(row["cells"]):
                if raw is None or index not in columns:
                    continue
                recon = raw.get("r")
                if isinstance(recon, str):
                    recon = recons.get(recon)
                cell = Cell(raw.get("v"))
                if recon:
                    cell.judgment = recon.get("j")
                    cell.match = (recon.get("m") or {}).get("id")
                    cell.candidates = [(c["id"], float(c["score"])) for c in recon.get("c", [])]
                cells[columns[index]] = cell
            rows.append(cells)
        return rows
