"""What leaves Poise as a file: the HTML report and the CSV / JSON exports of a session."""
