"""Mock interview mode: the question panel."""

from .panel import InterviewPanel

__all__ = ["InterviewPanel"]
