"""`jadugar serve` with two gunicorn workers, for the multiprocess test (until `jadugar serve
--workers N` exists): the production gunicorn application with one setting changed.

Run as `python tests/selfmetrics/two_workers.py PORT` with the checkout on PYTHONPATH."""

from gevent import monkey

monkey.patch_all()  # first, as `jadugar serve` does (jadugar/web/gunicorn.py says why)

import sys  # noqa: E402

from jadugar import config  # noqa: E402
from jadugar.web import gunicorn as web_gunicorn  # noqa: E402

if __name__ == "__main__":
    web_gunicorn._Gunicorn(config.get().replace(port=int(sys.argv[1])), "gevent", 64, 2000,
                           workers=2).run()
