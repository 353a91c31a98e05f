"""``python -m tf1init`` is the ``tf1init`` command."""
import sys

from tf1init.cli import main

sys.exit(main())
