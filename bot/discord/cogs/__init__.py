"""The bot's features, one cog each."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.discord.client import AssessmentBot


async def load_cogs(bot: AssessmentBot) -> None:
    from bot.discord.cogs.info import InfoCog
    from bot.discord.cogs.operations import OperationsCog
    from bot.discord.cogs.questions import QuestionsCog
    from bot.discord.cogs.timeline import TimelineCog
    from bot.discord.views import DYNAMIC_ITEMS

    for cog in (QuestionsCog(bot), TimelineCog(bot), InfoCog(bot), OperationsCog(bot)):
        await bot.add_cog(cog)
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
