"""A real RPDE publisher for tests: an HTTP server on 127.0.0.1 serving OpenActive feeds
from in-memory data, paged exactly as the RPDE specification describes.

- Items are ordered by `modified` then `id` ("afterTimestamp"/"afterId" paging), or by a
  change number ("afterChangeNumber" paging); every change moves an item to the end.
- Deleted items stay in the feed with `state: deleted` and no `data`.
- `next` is absolute, built from the last item of the page; the last page has no items
  and a `next` equal to its own URL.
- Tests can add raw (malformed) items, and queue faults: a 429/503 with Retry-After, a
  page that is not JSON, any status.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

CC_BY = "https://creativecommons.org/licenses/by/4.0/"


@dataclass
class _Entry:
    id: str  # the sort id (for raw items, whatever position the test chose)
    modified: int
    payload: dict[str, Any]  # the item exactly as served


class RpdeFeed:
    def __init__(self, path: str, kind: str, *, paging: str = "timestamp",
                 page_size: int = 2, licence: str | None = CC_BY) -> None:
        assert paging in ("timestamp", "change_number")
        self.path = path
        self.kind = kind
        self.paging = paging
        self.page_size = page_size
        self.licence = licence
        self._entries: dict[str, _Entry] = {}
        self._clock = 1_700_000_000 if paging == "timestamp" else 0
        self._lock = threading.Lock()

    def _tick(self, same_time: bool) -> int:
        if not same_time or self.paging == "change_number":
            self._clock += 1  # change numbers are unique per change
        return self._clock

    def upsert(self, item_id: str, data: dict[str, Any], *, same_time: bool = False) -> int:
        """Add or change an item; `same_time` reuses the last timestamp (afterId ties)."""
        with self._lock:
            modified = self._tick(same_time)
            self._entries[item_id] = _Entry(item_id, modified, {
                "state": "updated", "kind": self.kind, "id": item_id, "modified": modified,
                "data": data})
            return modified

    def delete(self, item_id: str) -> int:
        with self._lock:
            modified = self._tick(False)
            self._entries[item_id] = _Entry(item_id, modified, {
                "state": "deleted", "kind": self.kind, "id": item_id, "modified": modified})
            return modified

    def add_raw(self, sort_id: str, payload: dict[str, Any], *,
                modified: int | None = None) -> None:
        """Serve `payload` as-is (e.g. a malformed item) at the position of a new change,
        or of `modified` when given (e.g. an older copy arriving late)."""
        with self._lock:
            position = modified if modified is not None else self._tick(False)
            self._entries[f"raw:{sort_id}"] = _Entry(sort_id, position, payload)

    def page(self, query: dict[str, str]) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """The items after the position in `query`, and the query of the next page (None
        when the page is empty: the next URL is then the page's own)."""
        with self._lock:
            ordered = sorted(self._entries.values(), key=lambda e: (e.modified, e.id))
            if self.paging == "timestamp":
                if "afterTimestamp" in query and "afterId" in query:
                    stamp, after_id = int(query["afterTimestamp"]), query["afterId"]
                    ordered = [e for e in ordered if (e.modified == stamp and e.id > after_id)
                               or e.modified > stamp]
            elif "afterChangeNumber" in query:
                number = int(query["afterChangeNumber"])
                ordered = [e for e in ordered if e.modified > number]
            chosen = ordered[: self.page_size]
            if not chosen:
                return [], {}
            last = chosen[-1]
            following = ({"afterTimestamp": str(last.modified), "afterId": last.id}
                         if self.paging == "timestamp"
                         else {"afterChangeNumber": str(last.modified)})
            return [json.loads(json.dumps(e.payload)) for e in chosen], following


@dataclass
class Fault:
    status: int = 429
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    path: str | None = None  # None: the next request, whatever it asks for


@dataclass(frozen=True)
class Request:
    path: str  # with the query
    user_agent: str | None
    at: float


class RpdeServer:
    def __init__(self) -> None:
        self.feeds: dict[str, RpdeFeed] = {}
        self.faults: deque[Fault] = deque()
        self.requests: list[Request] = []
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        # A short poll interval: shutting down waits for the next poll.
        self._thread = threading.Thread(target=self._http.serve_forever, args=(0.02,),
                                        daemon=True)

    @property
    def base(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def add_feed(self, path: str, kind: str, **options: Any) -> RpdeFeed:
        feed = RpdeFeed(path, kind, **options)
        self.feeds[path] = feed
        return feed

    def fail_next(self, status: int = 429, *, retry_after: str | None = None,
                  body: bytes = b"", path: str | None = None) -> None:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self.faults.append(Fault(status, body, headers, path))

    def break_next_page(self, body: bytes = b"<html>Service busy</html>",
                        path: str | None = None) -> None:
        """The next page is answered 200 with something that is not RPDE JSON."""
        self.faults.append(Fault(200, body, {"Content-Type": "text/html"}, path))

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=5)


def _handler_for(server: RpdeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            return

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            server.requests.append(Request(self.path, self.headers.get("User-Agent"),
                                           time.monotonic()))
            parts = urlsplit(self.path)
            for fault in list(server.faults):
                if fault.path is None or fault.path == parts.path:
                    server.faults.remove(fault)
                    self._send(fault.status, fault.body, fault.headers)
                    return
            feed = server.feeds.get(parts.path)
            if feed is None:
                self._send(404, b'{"error": "no such feed"}', {})
                return
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            items, following = feed.page(query)
            own = f"{server.base}{self.path}"
            if following:
                encoded = "&".join(f"{k}={quote(v, safe='')}" for k, v in following.items())
                next_url = f"{server.base}{parts.path}?{encoded}"
            else:
                next_url = own
            body: dict[str, Any] = {"next": next_url, "items": items}
            if feed.licence:
                body["license"] = feed.licence
            self._send(200, json.dumps(body).encode(), {})

    return Handler


@contextmanager
def running_rpde_server() -> Iterator[RpdeServer]:
    server = RpdeServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- OpenActive data, shaped like real publishers' --------------------------------------

CONTEXT = ["https://openactive.io/", "https://openactive.io/ns-beta"]
ORGANISER = {"@type": "Organization", "@id": "https://example.org/organisers/1",
             "name": "Example Leisure Trust", "url": "https://example.org/",
             "email": "hello@example.org", "telephone": "0116 000 0000"}


def concept(label: str, scheme: str = "https://openactive.io/activity-list") -> dict[str, Any]:
    return {"@type": "Concept", "@id": f"{scheme}#{quote(label)}", "prefLabel": label,
            "inScheme": scheme}


def place(name: str, address: object, latitude: float | None = None,
          longitude: float | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": "Place", "name": name, "address": address, **extra}
    if latitude is not None:
        out["geo"] = {"@type": "GeoCoordinates", "latitude": latitude, "longitude": longitude}
    return out


def session_series(number: int, name: str, activity: list[str], **extra: Any,
                   ) -> dict[str, Any]:
    return {
        "@context": CONTEXT, "@type": "SessionSeries",
        "@id": f"https://example.org/session-series/{number}",
        "name": name, "activity": [concept(a) for a in activity],
        "organizer": ORGANISER,
        "location": place("Example Community Centre",
                          {"@type": "PostalAddress", "streetAddress": "1 High Street",
                           "addressLocality": "Leicester", "postalCode": "LE4 5AB"}),
        **extra,
    }


def scheduled_session(number: int, super_event: object, start: str, end: str | None = None,
                      **extra: Any) -> dict[str, Any]:
    out = {"@context": CONTEXT, "@type": "ScheduledSession",
           "@id": f"https://example.org/scheduled-sessions/{number}",
           "superEvent": super_event, "startDate": start, **extra}
    if end:
        out["endDate"] = end
    return out


def facility_use(number: int, name: str, facility_type: list[str], **extra: Any,
                 ) -> dict[str, Any]:
    return {
        "@context": CONTEXT, "@type": "FacilityUse",
        "@id": f"https://example.org/facility-uses/{number}", "name": name,
        "facilityType": [concept(t, "https://openactive.io/facility-types") for t in
                         facility_type],
        "provider": ORGANISER,
        "location": place("Example Leisure Centre", "Mill Lane, Loughborough LE11 1AA",
                          52.7721, -1.2062),
        **extra,
    }


def slot(number: int, facility: object, start: str, duration: str = "PT1H",
         **extra: Any) -> dict[str, Any]:
    return {"@context": CONTEXT, "@type": "Slot", "@id": f"https://example.org/slots/{number}",
            "facilityUse": facility, "startDate": start, "duration": duration,
            "remainingUses": 2, "maximumUses": 4, **extra}
