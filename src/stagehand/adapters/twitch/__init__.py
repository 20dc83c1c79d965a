"""Twitch through twitchio 3: EventSub chat in, Helix out."""
