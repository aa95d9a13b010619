"""Sound: the microphone, a video file's own audio track played as a microphone, and voice activity (Qt-free)."""
