"""The one kind of error that is the user's input, not the harness: an unknown case, bad
metadata, a release PyPI lacks, an unreadable file, a command-line value out of range. The
command line turns it into exit status 2 with its message; every module's own input error
derives from it."""


class BadInput(ValueError):
    """Input the corpus cannot use; the message says which and why."""
