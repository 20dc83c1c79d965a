"""Ranking: pure signals over domain values, and the Ranker that holds a show's state."""
