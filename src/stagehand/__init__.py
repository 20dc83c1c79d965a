"""stagehand: a live-stream participation bot and moderator console.

Kept tiny on purpose: importing the package must never import textual, discord or twitchio.
"""

__version__ = "0.1.0"
