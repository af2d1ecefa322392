"""Run the command-line interface: ``python -m policetext``."""

from policetext.cli import main

if __name__ == "__main__":
    main()
