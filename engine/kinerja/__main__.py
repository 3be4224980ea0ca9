"""`python -m kinerja ...` runs the command line (same as the `kinerja` script)."""

from .cli import main

main()
