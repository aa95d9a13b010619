"""Sound in: the microphone and a video file's own audio track played as a microphone (Qt-free)."""
