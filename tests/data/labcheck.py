# SPDX-License-Identifier: GPL-3.0-or-later
"""What the data suite's checks share."""

import sys


def finish(problems, success=None):
    """Prints each problem on stderr and fails the test if there is any."""
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        sys.exit(1)
    if success:
        print(success)
