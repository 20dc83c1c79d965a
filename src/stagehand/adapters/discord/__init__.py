"""Discord through discord.py 2: guild channels and threads in, replies and Stage invites out."""
