"""Which questions are kept for the operators' report, decided from plain values so that the store never
needs the engine's types."""

from __future__ import annotations

# An answer scoring below this is kept for review (was it the right entry?): the engine answers from
# its threshold (bot.matching.Tuning) up, and the closer to it, the likelier a wrong entry.
LOW_CONFIDENCE = 70.0


def worth_recording(*, question: str, matched: bool, score: float, direct: bool) -> bool:
    """Whether a question deserves a row: declined, or answered below LOW_CONFIDENCE, and not asked in a DM.

    A DM is a private conversation with the bot, and its text should not end up in a file operators
    read. A bare mention (`question` empty: no question at all) is not recorded either.
    """
    if direct or not question:
        return False
    return not matched or score < LOW_CONFIDENCE
