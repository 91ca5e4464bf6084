"""``python -m paramlab``: the same as the ``paramlab`` console script."""

import sys

from paramlab.cli import main

sys.exit(main())
