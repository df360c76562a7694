"""``python -m backstride``: the command line."""

from backstride.cli.main import run

run()
