"""``python -m app.cli``: the ``zhucun`` command line."""

from app.cli.main import main

main()
