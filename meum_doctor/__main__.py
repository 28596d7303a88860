"""Run the command line as ``python -m meum_doctor``."""

from meum_doctor.cli import main

if __name__ == "__main__":
    main()
