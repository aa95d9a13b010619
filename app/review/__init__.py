"""Session review: the sessions list, the score timeline, the session view and the recording player."""

from poise.app.review.sessions_list import SessionsList
from poise.app.review.review_page import ReviewPage
from poise.app.review.session_view import SessionView
from poise.app.review.timeline import Timeline

__all__ = ["ReviewPage", "SessionsList", "SessionView", "Timeline"]
