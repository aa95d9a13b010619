"""Session review: the sessions list, the score timeline, the session view and the recording player."""

from .sessions_list import SessionsList
from .review_page import ReviewPage
from .session_view import SessionView
from .timeline import Timeline

__all__ = ["ReviewPage", "SessionsList", "SessionView", "Timeline"]
