"""Reading a message the way people talk: small talk, follow-ups to the last answer, and listen channels.

The engine (bot.matching) answers one question on its own. Here a message is read in its place in a
conversation, as every edge (Discord and the command line) needs it:

- small talk ("thanks!!", "hello bot", "what are you?", "lol") gets a short reply in the bot's voice,
  never an article answer, and silence in a listen channel;
- a follow-up ("why?", "when was that?", "how did kyiv respond?", "tell me more") is read against the
  entry of the last answer given to the same person in the same place (a `Context`); a complete question
  on a new topic is answered on its own, whatever came before;
- in a listen channel the bot speaks only when a message is a question put to it about the article and
  it is sure of the answer; opinions, statements and questions people ask each other get silence;
- a question naming an assessment of the series ("in the first assessment", "the latest one", bot.series)
  is answered within it, and so is a follow-up to an answer from it; "what changed since the last
  assessment?" is answered from the assessment's `whats_new`, or declined saying it has none.

The words that decide all this are data (knowledge/conversation.yaml, `Phrasebook`), not code.
Nothing here imports Discord; `Memory` keeps contexts in memory only, bounded and short-lived.

- `core`: `Conversation`, reading each message (small talk, follow-ups, listen channels, the series);
- `phrases`: phrasebook phrases matched in what people type;
- `memory`: `Context` (the last answer given to someone somewhere) and `Memory`;
- `reply`: `Reply`, what the bot says to one message;
- `article_map`: which entries are neighbours in the article, and which events each reports.
"""

from bot.conversation.core import NO_DATE, NO_FIGURE, NO_REASON, Conversation
from bot.conversation.memory import MEMORY_LIMIT, MEMORY_SECONDS, Context, Memory
from bot.conversation.phrases import Phrases, key_words
from bot.conversation.reply import Reply

__all__ = [
    "MEMORY_LIMIT", "MEMORY_SECONDS", "NO_DATE", "NO_FIGURE", "NO_REASON", "Context", "Conversation", "Memory", "Phrases",
    "Reply", "key_words",
]
