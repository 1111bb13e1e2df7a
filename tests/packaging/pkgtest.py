"""pkgtest.py: what the packaging tests share: the build's programs, the source tree, a lab
(tests/integration/labtest.py) and a clean environment for the tools they run."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "../.."))
sys.path.insert(0, os.path.join(SRC, "tests/integration"))

import labtest  # noqa: E402  (after the path is set)

BUILD = labtest.BUILD
ROTWIZ = labtest.ROTWIZ
SIM = labtest.SIM
Lab = labtest.Lab

# Options that the man pages document before the programs' --help lists them: they are being
# added on other branches right now. Only these may be in a man page and not in --help; remove
# an entry once its branch is merged (the test then holds it like every other option).
PENDING_OPTIONS = {
    "rotwiz": set(),
    "rotwiz-sim": set(),
}


def env(**extra):
    """The environment for a child: plain C messages, no colour, the build's programs first."""
    e = dict(os.environ)
    e.update(LC_ALL="C.UTF-8", NO_COLOR="1", PATH=BUILD + os.pathsep + e.get("PATH", ""))
    e.update(extra)
    return e
