"""The Progress tab: the three scores across sessions."""
