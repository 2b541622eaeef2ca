#!/usr/bin/env python
# The tutorial's counter server (counter_server.py, unchanged) with a keepalive
# that gives up quickly: a ping every second, closed with 1011 when its pong
# is a second late. The port is the one argument, as for counter_server.py.

import functools
import os
import runpy
import websockets

websockets.serve = functools.partial(websockets.serve, ping_interval=1, ping_timeout=1)
runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'counter_server.py'),
               run_name='__main__')
