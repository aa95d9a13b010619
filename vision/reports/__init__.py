"""What Poise shows and writes: the one format table, the report document (HTML and PDF), CSV / JSON exports."""
