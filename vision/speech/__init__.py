"""What the user said: the transcript (faster-whisper), its words, fillers, pace and pauses."""
