"""YouTube Live: chat in, replies and moderation out, on the YouTube Data API v3 (docs/youtube.md)."""
