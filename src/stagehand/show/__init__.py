"""The show: its state, the one road every comment takes, and every host action."""
