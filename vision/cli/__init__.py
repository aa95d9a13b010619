"""The `poise` command line (analyse videos, manage sessions). Only poise.app.launcher, the `poise` command, imports it."""
