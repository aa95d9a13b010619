"""The `poise` command line (analyse videos, manage sessions). Nothing outside this package imports it."""
