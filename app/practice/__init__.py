"""The Practice tab: the live mirror with overlay, meters and cues, the session card, calibration and mock interviews."""

from poise.app.practice.live_page import LivePage

__all__ = ["LivePage"]
