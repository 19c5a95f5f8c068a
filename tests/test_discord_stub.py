"""Self-tests of the Discord stand-in, driven by a bare discord.py client (not the project's bot)."""

from __future__ import annotations

import asyncio
import io
import zlib
from collections.abc import AsyncIterator

import discord
import pytest
import pytest_asyncio
from discord import app_commands

from tests.discord_stub import (
    DiscordStub,
    SpecViolation,
    World,
    payloads,
    validate_request,
)
from tests.discord_stub.fixtures import running, stand_in
from tests.discord_stub.gateway import make_compressor
from tests.discord_stub.spec import component_errors, request_errors

WORLD = World()
GUILD, GENERAL, READ_ONLY = int(WORLD.guild_id), int(WORLD.general_channel_id), int(WORLD.readonly_channel_id)
CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
MESSAGES = "/channels/{channel_id}/messages"
TOPICS = ["ceasefire", "security guarantees", "sanctions", "territory", "elections"]


@pytest_asyncio.fixture
async def stub() -> AsyncIterator[DiscordStub]:
    async with stand_in() as started:
        yield started


def make_client(*, message_content: bool = True) -> discord.Client:
    intents = discord.Intents.default()
    intents.message_content = message_content
    return discord.Client(intents=intents, guild_ready_timeout=0.05)


def command_tree(client: discord.Client) -> app_commands.CommandTree:
    """A tree with /ask (string option), /lookup (autocompleted) and /slow (deferred, follow-up)."""
    tree = app_commands.CommandTree(client)

    @tree.command(description="Ask a question about the assessment")
    @app_commands.describe(question="Your question")
    async def ask(interaction: discord.Interaction, question: str) -> None:
        await interaction.response.send_message(f"You asked: {question}", ephemeral=True)

    async def complete_topic(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=t, value=t) for t in TOPICS if current.lower() in t]

    @tree.command(description="Look up a topic")
    @app_commands.autocomplete(topic=complete_topic)
    async def lookup(interaction: discord.Interaction, topic: str) -> None:
        await interaction.response.send_message(embed=discord.Embed(title=topic, description="..."))

    @tree.command(description="A slow answer")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(content="Here is the answer.")
        await interaction.followup.send("And a follow-up.", wait=True)

    return tree


# -- the spec validator on its own ---------------------------------------------------------------

def test_validator_rejects_bodies_discord_would_reject() -> None:
    callback = "/api/v10/interactions/123/token/callback"
    too_long = request_errors("POST", callback, {"type": 4, "data": {"embeds": [{"title": "x" * 300}]}})
    assert any(e.startswith("$.data.embeds[0].title") and "too long" in e for e in too_long), too_long
    choices = [{"name": str(i), "value": str(i)} for i in range(26)]
    too_many = request_errors("POST", callback, {"type": 8, "data": {"choices": choices}})
    assert any(e.startswith("$.data.choices") and "limit 25" in e for e in too_many), too_many
    with pytest.raises(SpecViolation, match="content"):
        validate_request("POST", "/api/v10/webhooks/1/token", {"content": "x" * 2001})
    with pytest.raises(SpecViolation, match="allows a bot 2000"):  # documented; the spec says 4000
        validate_request("POST", "/api/v10/channels/1/messages", {"content": "x" * 2001})
    embeds = [{"description": "x" * 4000}, {"description": "x" * 2001}]
    assert "$.data.embeds: 6001 characters in all embeds together, Discord allows 6000" in request_errors(
        "POST", callback, {"type": 4, "data": {"embeds": embeds}})
    assert request_errors("POST", "/api/v10/channels/1/messages", None) == [
        "/channels/{channel_id}/messages requires a request body, none was sent"]
    assert "is not an operation" in request_errors("POST", "/api/v10/channels/1/nonsense", {})[0]
    assert "path parameter channel_id" in request_errors("POST", "/api/v10/channels/abc/messages", {"content": "x"})[0]


def test_validator_accepts_valid_bodies() -> None:
    validate_request("POST", "/api/v10/interactions/123/token/callback", {"type": 4, "data": {"content": "hi"}})
    validate_request("POST", "/api/v10/channels/1/messages",
                     {"content": "hi", "message_reference": {"message_id": 5, "fail_if_not_exists": False}})
    validate_request("PUT", "/api/v10/applications/1/commands", [{"name": "ask", "description": "Ask", "type": 1}])
    validate_request("DELETE", "/api/v10/webhooks/1/token/messages/@original", None)


def test_payload_builders_match_discords_schemas() -> None:
    guild = payloads.guild_create(WORLD)
    checks = [("UserPIIResponse", payloads.bot_user(WORLD)),
              ("PrivateApplicationResponse", payloads.application(WORLD)),
              ("MessageResponse", payloads.mention_message(WORLD, "hi")),
              ("MessageResponse", payloads.dm_message(WORLD, "hi"))]
    checks += [("GuildMemberResponse", m) for m in guild["members"]]
    checks += [("GuildRoleResponse", r) for r in guild["roles"]]
    checks += [("GuildChannelResponse", c) for c in guild["channels"]]
    for name, payload in checks:
        assert component_errors(name, payload) == [], name


def test_zlib_stream_frames_end_in_sync_flush_and_decode_in_sequence() -> None:
    encode, decoder = make_compressor("zlib-stream"), zlib.decompressobj()
    assert encode is not None
    for text in ['{"op": 10}', '{"op": 11}' * 50]:
        frame = encode(text)
        assert frame.endswith(b"\x00\x00\xff\xff")
        assert decoder.decompress(frame).decode() == text


# -- the real client against the stand-in ---------------------------------------------------------

@pytest.mark.asyncio
async def test_client_logs_in_connects_and_sees_the_guild(stub: DiscordStub) -> None:
    client = make_client()
    async with running(client, stub):
        guild = client.get_guild(GUILD)
        assert guild is not None and guild in client.guilds and guild.me is not None
        assert guild.get_channel(GENERAL).permissions_for(guild.me).send_messages
        assert not guild.get_channel(READ_ONLY).permissions_for(guild.me).send_messages
        assert client.application_id == int(WORLD.application_id) and client.user.id == int(WORLD.bot_id)
    assert [r.route for r in stub.requests[:2]] == ["/users/@me", "/oauth2/applications/@me"]
    handshake, identify = stub.gateway.handshakes[0], stub.identifies[0]
    assert handshake["compress"] == discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE
    assert (handshake["v"], handshake["encoding"]) == ("10", "json")
    assert identify["intents"] == client.intents.value and identify["token"] == stub.token


@pytest.mark.asyncio
async def test_members_intent_gets_all_members_by_chunking(stub: DiscordStub) -> None:
    intents = discord.Intents.default()
    intents.members = True
    client = discord.Client(intents=intents, guild_ready_timeout=0.05)
    async with running(client, stub):
        guild = client.get_guild(GUILD)
        everyone = {int(WORLD.bot_id), int(WORLD.user_id), int(WORLD.owner_id)}
        assert guild.chunked and {m.id for m in guild.members} == everyone  # a small guild's GUILD_CREATE
        assert {m.id for m in await asyncio.wait_for(guild.chunk(), 5)} == everyone
        [alice] = await asyncio.wait_for(guild.query_members("ali"), 5)
    assert alice.id == int(WORLD.user_id)
    assert [frame["op"] for frame in stub.gateway.received].count(8) == 2


@pytest.mark.asyncio
async def test_message_create_gets_a_spec_valid_reply_echoed_back(stub: DiscordStub) -> None:
    client = make_client()

    @client.event
    async def on_message(message: discord.Message) -> None:
        if message.author != client.user:
            await message.reply(embed=discord.Embed(title="Answer", description=message.content))

    async with running(client, stub):
        echo = asyncio.ensure_future(client.wait_for("message", check=lambda m: m.author == client.user, timeout=5))
        incoming = payloads.guild_message(WORLD, "What is the assessment?")
        await stub.dispatch("MESSAGE_CREATE", incoming)
        sent = await stub.wait_for_request("POST", MESSAGES, timeout=5)
        own = await echo
    assert sent.status == 200 and sent.errors == []
    assert sent.body["embeds"][0]["description"] == "What is the assessment?"
    assert str(sent.body["message_reference"]["message_id"]) == incoming["id"]
    assert own.id == int(sent.response["id"]) and own.reference.message_id == int(incoming["id"])


@pytest.mark.asyncio
async def test_without_message_content_intent_only_mentions_and_dms_carry_text(stub: DiscordStub) -> None:
    client = make_client(message_content=False)
    async with running(client, stub):
        seen = []
        for event in (payloads.guild_message(WORLD, "plain"), payloads.mention_message(WORLD, "hello"),
                      payloads.dm_message(WORLD, "private")):
            waiter = asyncio.ensure_future(client.wait_for("message", timeout=5))
            await asyncio.sleep(0)
            await stub.dispatch("MESSAGE_CREATE", event)
            seen.append((await waiter).content)
    assert seen == ["", f"<@{WORLD.bot_id}> hello", "private"]


@pytest.mark.asyncio
async def test_dm_replies_and_user_send_open_a_dm_channel(stub: DiscordStub) -> None:
    client = make_client()

    @client.event
    async def on_message(message: discord.Message) -> None:
        if isinstance(message.channel, discord.DMChannel) and message.author != client.user:
            await message.channel.send("Answered in private.")

    async with running(client, stub):
        await stub.dispatch("MESSAGE_CREATE", payloads.dm_message(WORLD, "a question"))
        reply = await stub.wait_for_request("POST", f"/channels/{WORLD.dm_channel_id}/messages", timeout=5)
        user = await client.fetch_user(int(WORLD.user_id))
        await asyncio.wait_for(user.send("Hello"), 5)
    assert reply.body["content"] == "Answered in private."
    assert str(stub.requests_to("POST", "/users/@me/channels")[0].body["recipient_id"]) == WORLD.user_id


@pytest.mark.asyncio
async def test_slash_command_is_answered_through_the_interaction_callback(stub: DiscordStub) -> None:
    client = make_client()
    command_tree(client)
    async with running(client, stub):
        event = payloads.slash_command(WORLD, "ask", {"question": "Who negotiates?"})
        await stub.dispatch("INTERACTION_CREATE", event)
        callback = await stub.wait_for_request("POST", CALLBACK, timeout=5)
    assert callback.route == f"/interactions/{event['id']}/{event['token']}/callback"
    assert callback.body["type"] == 4 and callback.body["data"]["content"] == "You asked: Who negotiates?"
    assert callback.body["data"]["flags"] == 64 and callback.status == 200 and callback.query["with_response"]
    assert stub.interaction(event["id"]).response_type == 4


@pytest.mark.asyncio
async def test_deferred_command_edits_the_original_and_follows_up(stub: DiscordStub) -> None:
    client = make_client()
    command_tree(client)
    async with running(client, stub):
        event = payloads.slash_command(WORLD, "slow", {})
        await stub.dispatch("INTERACTION_CREATE", event)
        webhook = f"/webhooks/{WORLD.application_id}/{event['token']}"
        defer = await stub.wait_for_request("POST", CALLBACK, timeout=5)
        edit = await stub.wait_for_request("PATCH", webhook + "/messages/@original", timeout=5)
        followup = await stub.wait_for_request("POST", webhook, timeout=5)
    assert defer.body == {"type": 5}
    assert edit.body["content"] == "Here is the answer." and edit.status == 200
    assert followup.body["content"] == "And a follow-up." and followup.query["wait"] and followup.status == 200


@pytest.mark.asyncio
async def test_autocomplete_interaction_gets_choices(stub: DiscordStub) -> None:
    client = make_client()
    command_tree(client)
    async with running(client, stub):
        await stub.dispatch("INTERACTION_CREATE", payloads.autocomplete(WORLD, "lookup", "topic", "sec"))
        callback = await stub.wait_for_request("POST", CALLBACK, timeout=5)
    choice = {"name": "security guarantees", "value": "security guarantees"}
    assert callback.body == {"type": 8, "data": {"choices": [choice]}}


@pytest.mark.asyncio
async def test_too_many_autocomplete_choices_are_caught(stub: DiscordStub) -> None:
    client = make_client()
    tree = app_commands.CommandTree(client)

    async def everything(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=f"choice {i}", value=str(i)) for i in range(26)]  # Discord allows 25

    @tree.command(description="Too many choices")
    @app_commands.autocomplete(pick=everything)
    async def greedy(interaction: discord.Interaction, pick: str) -> None: ...

    async with running(client, stub):
        await stub.dispatch("INTERACTION_CREATE", payloads.autocomplete(WORLD, "greedy", "pick", ""))
        callback = await stub.wait_for_request("POST", CALLBACK, timeout=5)
    assert callback.status == 400 and any("choices" in e and "limit 25" in e for e in callback.errors)
    assert stub.take_violations() == [callback]


@pytest.mark.asyncio
async def test_button_press_reaches_a_persistent_view(stub: DiscordStub) -> None:
    client = make_client()

    class Feedback(discord.ui.View):
        def __init__(self) -> None:
            super().__init__(timeout=None)

        @discord.ui.button(label="Helpful", custom_id="feedback:helpful")
        async def helpful(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
            await interaction.response.send_message("Thanks!", ephemeral=True)

    async with running(client, stub):
        client.add_view(Feedback())
        await stub.dispatch("INTERACTION_CREATE", payloads.button_press(WORLD, "feedback:helpful"))
        callback = await stub.wait_for_request("POST", CALLBACK, timeout=5)
    assert callback.body["type"] == 4 and callback.body["data"]["content"] == "Thanks!"


@pytest.mark.asyncio
async def test_late_interaction_response_gets_unknown_interaction(stub: DiscordStub) -> None:
    client = make_client()
    tree = app_commands.CommandTree(client)
    failure: asyncio.Future[discord.NotFound] = asyncio.get_running_loop().create_future()

    @tree.command(description="Answers too late")
    async def late(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message("too late")
        except discord.NotFound as exc:
            failure.set_result(exc)

    stub.rest.callback_deadline = 0.0
    async with running(client, stub):
        await stub.dispatch("INTERACTION_CREATE", payloads.slash_command(WORLD, "late"))
        error = await asyncio.wait_for(failure, 5)
    assert (error.status, error.code) == (404, 10062)


@pytest.mark.asyncio
async def test_forbidden_sends_surface_as_discord_forbidden(stub: DiscordStub) -> None:
    client = make_client()
    async with running(client, stub):
        general, read_only = client.get_channel(GENERAL), client.get_channel(READ_ONLY)
        stub.fail_next("POST", MESSAGES, 403, payloads.MISSING_PERMISSIONS)
        with pytest.raises(discord.Forbidden) as injected:
            await asyncio.wait_for(general.send("hello"), 5)
        with pytest.raises(discord.Forbidden) as by_overwrite:
            await asyncio.wait_for(read_only.send("hello"), 5)
        await asyncio.wait_for(general.send("hello again"), 5)
    assert (injected.value.status, injected.value.code) == (403, 50013)
    assert by_overwrite.value.code == 50013
    assert [r.status for r in stub.requests_to("POST", MESSAGES)] == [403, 403, 200]


@pytest.mark.asyncio
async def test_rate_limits_and_server_errors_are_retried_by_discord_py(stub: DiscordStub) -> None:
    client = make_client()
    async with running(client, stub):
        channel = client.get_channel(GENERAL)
        stub.fail_next("POST", MESSAGES, 500)  # discord.py retries after 1 s
        stub.rate_limit_next("POST", MESSAGES, retry_after=0.05)
        message = await asyncio.wait_for(channel.send("eventually"), 5)
    assert message.content == "eventually"
    assert [r.status for r in stub.requests_to("POST", MESSAGES)] == [500, 429, 200]


@pytest.mark.asyncio
async def test_invalid_body_through_the_client_is_refused_and_reported(stub: DiscordStub) -> None:
    client = make_client()
    async with running(client, stub):
        with pytest.raises(discord.HTTPException) as refused:
            await asyncio.wait_for(client.get_channel(GENERAL).send(embed=discord.Embed(title="x" * 300)), 5)
    assert (refused.value.status, refused.value.code) == (400, 50035)
    [violation] = stub.take_violations()
    assert any("$.embeds[0].title" in e for e in violation.errors)


@pytest.mark.asyncio
async def test_attachments_are_validated_on_payload_json(stub: DiscordStub) -> None:
    client = make_client()
    async with running(client, stub):
        file = discord.File(io.BytesIO(b"hello"), filename="answer.txt")
        message = await asyncio.wait_for(client.get_channel(GENERAL).send("see attached", file=file), 5)
    [sent] = stub.requests_to("POST", MESSAGES)
    assert sent.body["content"] == "see attached" and sent.files == [("answer.txt", 5)] and sent.errors == []
    assert sent.uploads == {"answer.txt": b"hello"}
    assert message.attachments[0].filename == "answer.txt"


@pytest.mark.asyncio
async def test_tree_sync_puts_spec_valid_commands(stub: DiscordStub) -> None:
    client = make_client()
    tree = command_tree(client)
    async with running(client, stub):
        synced = await asyncio.wait_for(tree.sync(), 5)
        tree.copy_global_to(guild=discord.Object(GUILD))
        in_guild = await asyncio.wait_for(tree.sync(guild=discord.Object(GUILD)), 5)
        fetched = await asyncio.wait_for(tree.fetch_commands(), 5)
    put = stub.requests_to("PUT", "/applications/{application_id}/commands")[0]
    assert put.errors == [] and sorted(c["name"] for c in put.body) == ["ask", "lookup", "slow"]
    ask = next(c for c in put.body if c["name"] == "ask")
    assert ask["options"][0] == {**ask["options"][0], "name": "question", "type": 3, "required": True}
    assert sorted(c.name for c in synced) == sorted(c.name for c in in_guild) == ["ask", "lookup", "slow"]
    assert {c.id for c in fetched} == {c.id for c in synced}
    assert stub.requests_to("PUT", f"/applications/{WORLD.application_id}/guilds/{GUILD}/commands")


@pytest.mark.asyncio
async def test_unserved_and_undocumented_routes_are_reported(stub: DiscordStub) -> None:
    client = make_client()
    async with running(client, stub):
        with pytest.raises(discord.NotFound):
            await asyncio.wait_for(client.fetch_guild(GUILD), 5)  # documented, not served
        with pytest.raises(discord.NotFound):
            await client.http.request(discord.http.Route("GET", "/no/such/route"))
    unserved, undocumented = stub.take_violations()
    assert unserved.unexpected and unserved.errors == [] and unserved.route == f"/guilds/{GUILD}"
    assert "not an operation" in undocumented.errors[0]


class QuickReidentifyClient(discord.Client):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py's default sleeps 5 s before every IDENTIFY but the first."""


@pytest.mark.asyncio
async def test_reconnect_resumes_and_invalid_session_reidentifies(stub: DiscordStub) -> None:
    client = QuickReidentifyClient(intents=make_client().intents, guild_ready_timeout=0.05)
    async with running(client, stub):
        resumed = asyncio.ensure_future(client.wait_for("resumed", timeout=5))
        await asyncio.sleep(0)
        await stub.gateway.reconnect()
        await resumed
        assert stub.gateway.handshakes[-1]["path"] == "/resume"
        ready_again = asyncio.ensure_future(client.wait_for("ready", timeout=5))
        await asyncio.sleep(0)
        await stub.gateway.invalidate_sessions()
        await ready_again
        message = asyncio.ensure_future(client.wait_for("message", timeout=5))
        await asyncio.sleep(0)
        await stub.dispatch("MESSAGE_CREATE", payloads.guild_message(WORLD, "still there?"))
        assert (await message).content == "still there?"
    assert len(stub.identifies) == 2 and len(stub.gateway.handshakes) == 3


@pytest.mark.asyncio
async def test_autosharded_client_uses_gateway_bot(stub: DiscordStub) -> None:
    client = discord.AutoShardedClient(intents=discord.Intents.default(), guild_ready_timeout=0.05)
    async with running(client, stub):
        assert client.shard_count == 1 and client.get_guild(GUILD) is not None
    assert stub.requests_to("GET", "/gateway/bot") and stub.identifies[0]["shard"] == [0, 1]


@pytest.mark.asyncio
async def test_privileged_intent_the_app_lacks_is_refused() -> None:
    async with stand_in(allowed_intents=0) as stub:
        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with running(make_client(message_content=True), stub):
                pass
    assert stub.gateway.identifies[0]["intents"] & discord.Intents(message_content=True).value
