"""Pictures whose answer is known by construction: the same camera turned (a homography), a
picture mirrored, tiles of a gallery-view call. Shared by the head-pose and gallery tests and by
scripts/measure_scores.py.

- A camera turned about its own centre sees exactly the homography K R K^-1 of what it saw
  before (no parallax for a pure rotation), so a person who looked into its lens still does,
  now off to one side or above/below the middle of the picture. K: a webcam whose long side
  spans WEBCAM_FOV_DEG (typical laptop webcams: 60-78 deg diagonal).
- A gallery tile is another camera's picture scaled into part of this one: its person looked
  into their own lens, wherever the tile sits.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

WEBCAM_FOV_DEG = 65.0
BACKGROUND = 30   # grey of a call app's gallery background and of the area a turned camera adds


def turned_camera(image: np.ndarray, yaw_deg: float = 0.0, pitch_deg: float = 0.0) -> np.ndarray:
    """What the camera that took ``image`` sees after turning ``yaw_deg`` sideways and
    ``pitch_deg`` up or down about its own centre: the person moves off the middle of the picture
    and is seen a little obliquely. The picture is first padded to twice its size (a wider view
    of the same camera), so the person stays in it."""
    h, w = image.shape[:2]
    f = (max(w, h) / 2) / math.tan(math.radians(WEBCAM_FOV_DEG / 2))
    H, W = 2 * h, 2 * w
    canvas = np.full((H, W, 3), BACKGROUND, np.uint8)
    canvas[(H - h) // 2:(H - h) // 2 + h, (W - w) // 2:(W - w) // 2 + w] = image
    K = np.array([[f, 0, W / 2], [0, f, H / 2], [0, 0, 1.0]])
    a, b = math.radians(yaw_deg), math.radians(pitch_deg)
    ry = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])
    rx = np.array([[1, 0, 0], [0, math.cos(b), -math.sin(b)], [0, math.sin(b), math.cos(b)]])
    return cv2.warpPerspective(canvas, K @ rx @ ry @ np.linalg.inv(K), (W, H), borderValue=(BACKGROUND,) * 3)


def tile(image: np.ndarray, width: int, height: int, focus_y: float = 0.5, fill: bool = True) -> np.ndarray:
    """``image`` scaled to cover a width x height tile and cropped to it, as call apps fill tiles;
    the crop is centred at ``focus_y`` of the picture's height where it can be (apps keep the face
    in). ``fill`` False: scaled to fit, with bars, as apps show a phone's upright video."""
    h, w = image.shape[:2]
    if not fill:
        k = min(width / w, height / h)
        scaled = cv2.resize(image, (min(width, round(w * k)), min(height, round(h * k))), interpolation=cv2.INTER_AREA)
        out = np.full((height, width, 3), BACKGROUND, np.uint8)
        y0, x0 = (height - scaled.shape[0]) // 2, (width - scaled.shape[1]) // 2
        out[y0:y0 + scaled.shape[0], x0:x0 + scaled.shape[1]] = scaled
        return out
    k = max(width / w, height / h)
    scaled = cv2.resize(image, (max(width, round(w * k)), max(height, round(h * k))), interpolation=cv2.INTER_AREA)
    y0 = int(np.clip(focus_y * scaled.shape[0] - height / 2, 0, scaled.shape[0] - height))
    x0 = (scaled.shape[1] - width) // 2
    return np.ascontiguousarray(scaled[y0:y0 + height, x0:x0 + width])


def gallery(tiles: list[np.ndarray], columns: int, width: int, height: int, focus_y: float = 0.5,
            fill: bool = True) -> np.ndarray:
    """A gallery-view picture: ``tiles`` (row by row) filling a columns-wide grid of width x height."""
    rows = math.ceil(len(tiles) / columns)
    tw, th = width // columns, height // rows
    out = np.full((height, width, 3), BACKGROUND, np.uint8)
    for k, image in enumerate(tiles):
        r, c = divmod(k, columns)
        out[r * th:(r + 1) * th, c * tw:(c + 1) * tw] = tile(image, tw, th, focus_y, fill)
    return out
