"""The progress view, offscreen: empty state, per-session and per-week charts, best session marked."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pyqtgraph as pg
import pytest

from poise.vision.sessions.store import SessionStore
from poise.vision.types import FrameScores, Summary

pytestmark = pytest.mark.gui


def test_progress_view_charts_sessions_and_weeks(qtbot, poise_home):
    from poise.app.progress.progress_page import ProgressView

    with SessionStore() as store:
        view = ProgressView(store)
        qtbot.addWidget(view)
        view.resize(900, 500)
        view.show()
        view.refresh()
        assert view._stack.currentIndex() == 0  # friendly empty state

        t0 = datetime(2025, 1, 6, 12, tzinfo=timezone.utc)  # a Monday
        ids = []
        for k, (eye, posture, fidget) in enumerate([(0.4, 0.7, 0.3), (0.6, 0.8, 0.2), (0.8, 0.9, 0.1)]):
            sid = store.create_session("mock_interview", "camera:0", settings={}, models={},
                                       started_at=t0 + timedelta(days=8 * k))
            store.append_frames(sid, [FrameScores(0, 0.0, eye, posture, fidget)])
            store.finish_session(sid, summary=Summary(300, 4500, 0.9, eye, eye, posture, fidget, fidget, 1.0, {}),
                                 events=[], duration_s=300)
            ids.append(sid)
        view.refresh()
        assert view._stack.currentIndex() == 1
        assert view.report.best.session_id == ids[-1]
        assert "3 sessions" in view.headline.text() and "Best:" in view.headline.text()
        assert "eye contact +40 pts (better)" in view.headline.text()
        stars = [i for i in view.plot.getPlotItem().items if isinstance(i, pg.ScatterPlotItem)
                 and i.opts.get("symbol") == "star"]
        assert len(stars) == 1
        curves = [i for i in view.plot.getPlotItem().items if isinstance(i, pg.PlotDataItem)]
        assert len(curves) == 3 and all(len(c.xData) == 3 for c in curves)

        view.set_mode("weeks")
        curves = [i for i in view.plot.getPlotItem().items if isinstance(i, pg.PlotDataItem)]
        assert len(curves) == 3 and all(len(c.xData) == 3 for c in curves)  # three ISO weeks
        assert view.by_week.isChecked()
