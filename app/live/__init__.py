"""The live mirror: video with overlay, meters, cues, session card and rolling timeline."""

from .live_page import LivePage

__all__ = ["LivePage"]
