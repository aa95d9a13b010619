"""`python -m poise.vision.cli`: the command line without the window."""

import sys

from poise.vision.cli.main import main

sys.exit(main())
