"""Discord's refusals and failures turned into sentences a host can act on, in one line.

Discord answers a refused request with an HTTP status and a JSON error code
(https://discord.com/developers/docs/topics/opcodes-and-status-codes#json). The codes below are
the ones stagehand's actions meet; anything else is passed on with its status. A failed
connection is described without the request (a URL could carry a token); what the user must fix
(a refused token or intent) says where to fix it.
"""

from __future__ import annotations

import math

import aiohttp
import discord

from stagehand.adapters.discord.credentials import PORTAL

#: The gateway's close code for a token it does not accept.
GATEWAY_AUTH_FAILED = 4004
TOKEN_REFUSED = (
    "Discord refused the bot token: copy a new one from the developer portal "
    "(Bot -> Reset Token) into `stagehand auth discord`"
)

UNKNOWN_CHANNEL = 10003
UNKNOWN_MEMBER = 10007
UNKNOWN_MESSAGE = 10008
UNKNOWN_USER = 10013
UNKNOWN_VOICE_STATE = 10065
UNKNOWN_BAN = 10026
MISSING_ACCESS = 50001
CANNOT_DM = 50007
MISSING_PERMISSIONS = 50013
NOT_IN_VOICE = 40032


def explain(exc: Exception, *, who: str = "", needs: str = "") -> str:
    """Why an action failed. `who` names the member acted on, `needs` the permission it takes."""
    someone = who or "that member"
    if isinstance(exc, discord.RateLimited):
        return f"Discord rate limit: try again in {math.ceil(exc.retry_after)} s"
    if isinstance(exc, discord.HTTPException):
        code = exc.code
        if code == MISSING_PERMISSIONS or (isinstance(exc, discord.Forbidden) and code == 0):
            wanted = f": the bot needs {needs}" if needs else ""
            return f"missing permission{wanted} (or {someone} has a role above the bot's)"
        if code == MISSING_ACCESS:
            return "missing access: the bot cannot see that channel (check its channel permissions)"
        if code in (UNKNOWN_MEMBER, UNKNOWN_USER):
            return f"{someone} has left the server"
        if code == UNKNOWN_MESSAGE:
            return "the message is already gone"
        if code == UNKNOWN_BAN:
            return f"{someone} is not banned (any more)"
        if code == UNKNOWN_CHANNEL:
            return "the channel no longer exists"
        if code == CANNOT_DM:
            return f"{someone} does not accept direct messages from this server's members"
        if code in (UNKNOWN_VOICE_STATE, NOT_IN_VOICE):
            return f"{someone} is no longer in the Stage channel"
        detail = f": {exc.text}" if exc.text else ""
        return f"Discord refused the request (HTTP {exc.status}){detail}"
    if isinstance(exc, discord.ClientException):
        return f"discord.py refused: {exc}"
    # Network trouble: name the kind, never the request (it could carry a token in a URL).
    return f"could not reach Discord ({type(exc).__name__})"


def intent_message(application_id: int | None) -> str:
    """Discord closed with 4014: the Message Content intent is not enabled for the bot."""
    where = f"{PORTAL}/{application_id}/bot" if application_id else f"{PORTAL} -> your app -> Bot"
    return (
        "Discord refused the Message Content intent: enable Message Content Intent under "
        f"Privileged Gateway Intents at {where}, save, then restart stagehand"
    )


def describe_error(exc: Exception) -> str | None:
    """Why a connection attempt failed; None for an error that is not Discord's or the network's."""
    if isinstance(exc, discord.ConnectionClosed):
        return f"the gateway closed the connection (code {exc.code})"
    if isinstance(exc, discord.DiscordException | aiohttp.ClientError | OSError | TimeoutError):
        return explain(exc)
    return None
