"""A rules file with a syntax error."""

def broken(:
    pass
