"""``python -m threadscan`` runs the command line."""

from threadscan.cli import main

main()
