"""The catalogue as conversations read it (`bot.core.turn.PlaceGuide`): the ranking index
(`ranking.RankingIndex`) and the words that explain a suggestion (`explain`), behind one
object the app hands to the engine, so conversations import no part of this feature."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.content import Content
from bot.core.needs import Needs
from bot.places import explain
from bot.places.ranking import Ranking, RankingIndex, Suggestion
from bot.places.schema import Opportunity


class PlaceGuide:
    def __init__(self, index: RankingIndex) -> None:
        self.index = index

    def __len__(self) -> int:
        return len(self.index)

    def get(self, opportunity_id: str) -> Opportunity | None:
        return self.index.get(opportunity_id)

    def origin(self, needs: Needs) -> tuple[float, float] | None:
        return self.index.origin(needs)

    def miles(self, needs: Needs, opportunity_id: str) -> float | None:
        return self.index.miles(needs, opportunity_id)

    def rank(self, needs: Needs, limit: int | None = None) -> Ranking:
        return self.index.rank(needs, limit)

    def why_no_places(self, needs: Needs) -> tuple[str, ...]:
        return self.index.why_no_places(needs)

    def shortfall(self, content: Content, gaps: Sequence[str], needs: Needs) -> str:
        return explain.shortfall(content, gaps, needs)

    def why(self, content: Content, suggestion: Suggestion, needs: Needs) -> str:
        return explain.why(content, suggestion, needs)

    def check_first(self, content: Content, suggestion: Suggestion) -> str | None:
        return explain.check_first(content, suggestion)

    def describe(self, content: Content, item: Opportunity, *, miles: float | None,
                 needs: Needs) -> list[str]:
        """Everything we know about it, as messages that each fit the SMS limit."""
        return explain.messages(explain.describe_parts(content, item, miles=miles,
                                                       needs=needs))

    def how_to_go(self, content: Content, item: Opportunity, *, miles: float | None,
                  needs: Needs) -> list[str]:
        """How to get there and what to check first, as messages."""
        return explain.messages(explain.how_to_go_parts(content, item, miles=miles,
                                                        needs=needs))
