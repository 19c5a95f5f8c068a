"""Cards from the core, as discord.py embeds and the views that go with them."""

from __future__ import annotations

import discord

from bot.render import Card

COLOURS = {
    "answer": discord.Colour.blue(),
    "decline": discord.Colour.light_grey(),
    "timeline": discord.Colour.dark_teal(),
    "info": discord.Colour.blurple(),
}


def card_to_embed(card: Card) -> discord.Embed:
    embed = discord.Embed(title=card.title, description=card.description, colour=COLOURS.get(card.kind))
    for name, value in card.fields:
        embed.add_field(name=name, value=value, inline=False)
    if card.footer:
        embed.set_footer(text=card.footer)
    if card.image:  # a file sent with the message: Discord shows it inside the embed
        embed.set_image(url=f"attachment://{card.image}")
    return embed
