"""The practice workflow without Qt: mock-interview timing, question decks and progress across sessions."""
