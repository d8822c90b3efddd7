"""Everything a user runs: protocols, the command line, HDF5 storage, analysis and figures.

``python -m experiments --help`` lists the commands.
"""
