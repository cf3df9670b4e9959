#!/usr/bin/env python3
"""Bản tin: build the civic news site in this folder. `python build.py --help` for more."""
import sys

from bantin.cli import main

if __name__ == "__main__":
    sys.exit(main())
