"""The exit statuses of `python -m bot`, shared by the command line and the Discord runner.

They are a contract with supervisors (systemd's `Restart=on-failure`, scripts): the README's
Operations section lists them. Add new ones; never renumber.
"""

EXIT_OK = 0
EXIT_PROBLEMS = 1    # invalid knowledge, Discord out of reach, nothing found, an unreadable database
EXIT_USAGE = 2       # configuration: a missing or rejected token, a missing intent, a bad setting
EXIT_UNEXPECTED = 3  # an error the bot did not expect (a bug): the log holds its traceback
