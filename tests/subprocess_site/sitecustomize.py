"""Run by Python at start-up in every subprocess of the test suite (this directory is on PYTHONPATH):
installs the loopback-only guard before any of the subprocess's own code runs."""

import loopback_guard

loopback_guard.install()
