"""The moderator console (Textual). It imports the core; nothing in the core imports it."""
