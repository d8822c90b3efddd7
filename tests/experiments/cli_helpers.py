"""In-process calls of ``python -m experiments`` for the command-line tests."""

from experiments.cli import main


def call(argv, capsys):
    """Run the command line with ``argv``; return (exit code, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err
