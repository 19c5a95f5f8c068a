"""What the bot remembers of a conversation: each person's last answer in each place, in memory only."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

MEMORY_SECONDS = 600.0   # a person's next question within 10 minutes is read against their last answer
MEMORY_LIMIT = 10_000    # people (per place) remembered at once; the least recently active are forgotten


@dataclass(frozen=True)
class Context:
    """What the bot last told this person here: the entry it answered with (its id within
    `assessment_id`), or the entries it offered (their keys, Entry.key), and the assessment the
    conversation is about: a follow-up stays in it."""

    entry_id: str | None = None
    suggestions: tuple[str, ...] = ()
    question: str = ""
    assessment_id: str | None = None


class Memory:
    """Each person's last answer in each place, for reading their next question, kept `seconds` at most.

    In memory only, never written anywhere; at most `limit` keys, the least recently used forgotten first.
    """

    def __init__(self, seconds: float = MEMORY_SECONDS, limit: int = MEMORY_LIMIT, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self.limit = limit
        self._clock = clock
        self._items: OrderedDict[Hashable, tuple[float, Context]] = OrderedDict()

    def get(self, key: Hashable) -> Context | None:
        item = self._items.get(key)
        if item is None:
            return None
        at, context = item
        if self._clock() - at > self.seconds:
            del self._items[key]
            return None
        return context

    def put(self, key: Hashable, context: Context) -> None:
        self._items[key] = (self._clock(), context)
        self._items.move_to_end(key)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
