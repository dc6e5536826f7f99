"""Fetching RPDE pages politely: a User-Agent that says who we are, timeouts, a pause
between pages, and waiting as asked when a publisher answers 429 or 503 with Retry-After.

RPDE (OpenActive's Realtime Paged Data Exchange): each page is `{items, next, license}`;
the consumer only ever follows `next`, whatever the paging scheme (afterTimestamp/afterId
or afterChangeNumber). The last page has no items and a `next` equal to its own URL.
"""

from __future__ import annotations

import asyncio
import email.utils
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

USER_AGENT = ("MoveMates/0.1 (peer-support chatbot for Leicester, Leicestershire and "
              "Rutland; OpenActive RPDE consumer; python-httpx)")
_RETRY_STATUSES = {429, 500, 502, 503, 504}


class FeedError(Exception):
    """This run cannot go on: the page could not be fetched or is not an RPDE page.
    The stored position is kept, so the next run tries the same page again."""


@dataclass(frozen=True)
class Politeness:
    page_delay: float = 1.0  # seconds between pages
    timeout: float = 30.0  # seconds for a whole response
    connect_timeout: float = 10.0
    max_retries: int = 3  # for 429/5xx and network errors, per page
    max_retry_wait: float = 300.0  # a longer Retry-After ends the run instead
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Page:
    url: str
    items: list[Any]
    next_url: str
    licence: str | None

    @property
    def is_last(self) -> bool:
        return not self.items and same_url(self.next_url, self.url)


def same_url(a: str, b: str) -> bool:
    return httpx.URL(a) == httpx.URL(b)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def make_client(politeness: Politeness) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(politeness.timeout, connect=politeness.connect_timeout),
        headers={"User-Agent": politeness.user_agent, "Accept": "application/json"},
        follow_redirects=True,
    )


def parse_page(url: str, body: object) -> Page:
    if not isinstance(body, dict):
        raise FeedError("the page is not a JSON object")
    items = body.get("items")
    next_url = body.get("next")
    if not isinstance(items, list):
        raise FeedError("the page has no 'items' list")
    if not isinstance(next_url, str) or not next_url.strip():
        raise FeedError("the page has no 'next' URL")
    licence = body.get("license")
    # `next` must be absolute; resolve a relative one rather than stop.
    resolved = str(httpx.URL(url).join(next_url.strip()))
    return Page(url, items, resolved, licence if isinstance(licence, str) else None)


class RpdeClient:
    def __init__(self, client: httpx.AsyncClient, politeness: Politeness) -> None:
        self._client = client
        self._politeness = politeness
        self.waits: list[float] = []  # every pause taken for a retry, for the report

    async def fetch(self, url: str) -> Page:
        attempt = 0
        while True:
            try:
                response = await self._client.get(url)
            except httpx.HTTPError as error:
                if attempt >= self._politeness.max_retries:
                    raise FeedError(f"could not fetch the page: {type(error).__name__}") \
                        from error
                attempt += 1
                await self._wait(2.0 ** attempt)
                continue
            if response.status_code in _RETRY_STATUSES:
                if attempt >= self._politeness.max_retries:
                    raise FeedError(f"HTTP {response.status_code} after {attempt} retries")
                asked = retry_after(response)
                wait = asked if asked is not None else 2.0 ** (attempt + 1)
                if wait > self._politeness.max_retry_wait:
                    raise FeedError(f"HTTP {response.status_code}: asked to wait "
                                    f"{wait:.0f}s; try again later")
                attempt += 1
                await self._wait(wait)
                continue
            if response.status_code != 200:
                raise FeedError(f"HTTP {response.status_code}")
            try:
                body = response.json()
            except ValueError as error:
                raise FeedError("the page is not JSON") from error
            return parse_page(url, body)

    async def _wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(seconds)
