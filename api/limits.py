"""Fair shares of the query workers: per-client limits, so one client cannot take the endpoint.

Measured before this module existed: one client's two runaway queries held both workers,
and another client's `ASK { ?s ?p ?o }` waited 28 s. Each client (its address, or the
bearer token it presents) now has
- a limit on queries running at once (`PRKG_CLIENT_MAX_CONCURRENT`, default 2);
- a budget of query time per sliding minute (`PRKG_CLIENT_QUERY_SECONDS`, default 60 s per
  60 s, as the Wikidata Query Service does), counting running queries as they go;
- and, when the store has a fixed number of workers, a reserved lane: a client that already
  has a query running never takes the last free worker, which stays for someone else.
Past a limit the answer is `429 Too Many Requests` with `Retry-After` and a message saying
which limit. Behind a reverse proxy, the address comes from `X-Forwarded-For` only when the
peer is one of `PRKG_TRUSTED_PROXIES`.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import deque
from dataclasses import dataclass, field


class TooManyRequests(Exception):
    """A client went past one of its limits; `retry_after` is in whole seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)


@dataclass
class _Client:
    running: dict[int, float] = field(default_factory=dict)  # ticket -> start time
    done: deque[tuple[float, float]] = field(default_factory=deque)  # (end, seconds)


@dataclass
class Ticket:
    """One admitted query; `finish()` books its time to the client."""

    share: FairShare
    client: str
    number: int

    def finish(self) -> None:
        self.share._finish(self)


class FairShare:
    """The per-client book-keeping of the endpoint. Used from the event loop only."""

    def __init__(
        self,
        *,
        max_concurrent: int = 2,
        seconds_per_window: float = 60.0,
        window: float = 60.0,
        workers: int | None = None,
        clock: object = time.monotonic,
    ) -> None:
        self.max_concurrent = max_concurrent
        self.seconds_per_window = seconds_per_window
        self.window = window
        self.workers = workers
        self._clock = clock
        self._clients: dict[str, _Client] = {}
        self._next = 0

    def _now(self) -> float:
        return self._clock()  # type: ignore[operator]

    def running(self) -> int:
        return sum(len(c.running) for c in self._clients.values())

    def used(self, client: str) -> float:
        """Seconds of query time the client used in the current window, running ones too."""
        state = self._clients.get(client)
        if state is None:
            return 0.0
        now = self._now()
        while state.done and state.done[0][0] <= now - self.window:
            state.done.popleft()
        return sum(s for _, s in state.done) + sum(now - t for t in state.running.values())

    def admit(self, client: str) -> Ticket:
        """A ticket for one query, or TooManyRequests naming the limit it would pass."""
        state = self._clients.setdefault(client, _Client())
        if self.max_concurrent > 0 and len(state.running) >= self.max_concurrent:
            raise TooManyRequests(
                f"Too many queries at once from your client: {len(state.running)} are running "
                f"and the limit is {self.max_concurrent} (PRKG_CLIENT_MAX_CONCURRENT). "
                "Wait for one to finish.",
                1,
            )
        if self.workers is not None and state.running and self.running() >= self.workers - 1:
            raise TooManyRequests(
                f"All but one of the {self.workers} query workers are busy and you already "
                "have a query running; the last worker is kept for other clients.",
                1,
            )
        used = self.used(client)
        if self.seconds_per_window > 0 and used >= self.seconds_per_window:
            raise TooManyRequests(
                f"Your queries used {used:.0f} s of query time in the last {self.window:.0f} s; "
                f"the limit is {self.seconds_per_window:g} s per {self.window:.0f} s "
                "(PRKG_CLIENT_QUERY_SECONDS).",
                self._retry_after(state, used),
            )
        self._next += 1
        state.running[self._next] = self._now()
        return Ticket(self, client, self._next)

    def _retry_after(self, state: _Client, used: float) -> int:
        """Seconds until enough finished query time leaves the window."""
        now = self._now()
        excess = used - self.seconds_per_window
        freed = 0.0
        for end, seconds in state.done:
            freed += seconds
            if freed > excess:
                return math.ceil(end + self.window - now)
        return math.ceil(self.window)

    def _finish(self, ticket: Ticket) -> None:
        state = self._clients.get(ticket.client)
        if state is None or ticket.number not in state.running:
            return
        start = state.running.pop(ticket.number)
        now = self._now()
        state.done.append((now, now - start))
        if not state.running and not state.done:
            self._clients.pop(ticket.client, None)


def client_id(
    peer: str | None,
    headers: dict[str, str],
    trusted_proxies: tuple[str, ...],
) -> str:
    """Who is asking: a token's digest when one is presented, else the client's address.

    `X-Forwarded-For` is believed only from a trusted proxy, and then the right-most address
    that is not itself a trusted proxy is the client (the left part can be forged).
    """
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer ") and auth[7:].strip():
        return "token:" + hashlib.sha256(auth[7:].strip().encode()).hexdigest()[:16]
    address = peer or "unknown"
    forwarded = headers.get("x-forwarded-for")
    if forwarded and address in trusted_proxies:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        for hop in reversed(hops):
            if hop not in trusted_proxies:
                return hop
    return address
