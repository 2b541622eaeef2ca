#!/usr/bin/env python
# The Python websockets tutorial's counter server with the one change Python 3.11 needs:
# asyncio.wait() no longer takes coroutines, so notify_state() and notify_users() use
# websockets.broadcast() instead. Everything else, port 6789 included, is the tutorial's.
# test-interop.c points LabClient at it; the load benchmark (tests/bench) names another port
# as its one argument, so nothing else on 6789 meets it.

import asyncio
import json
import logging
import sys
import websockets

logging.basicConfig()

STATE = {'value': 0}

USERS = set()

def state_event():
    return json.dumps({'type': 'state', **STATE})

def users_event():
    return json.dumps({'type': 'users', 'count': len(USERS)})

async def notify_state():
    if USERS:       # asyncio.wait doesn't accept an empty list
        message = state_event()
        websockets.broadcast(USERS, message)

async def notify_users():
    if USERS:       # asyncio.wait doesn't accept an empty list
        message = users_event()
        websockets.broadcast(USERS, message)

async def register(websocket):
    USERS.add(websocket)
    await notify_users()

async def unregister(websocket):
    USERS.remove(websocket)
    await notify_users()

async def counter(websocket, path):
    # register(websocket) sends user_event() to websocket
    await register(websocket)
    try:
        await websocket.send(state_event())
        async for message in websocket:
            data = json.loads(message)
            if data['action'] == 'minus':
                STATE['value'] -= 1
                await notify_state()
            elif data['action'] == 'plus':
                STATE['value'] += 1
                await notify_state()
            else:
                logging.error(
                    "unsupported event: {}", data)
    finally:
        await unregister(websocket)

asyncio.get_event_loop().run_until_complete(
    websockets.serve(counter, 'localhost', int(sys.argv[1]) if len(sys.argv) > 1 else 6789))
asyncio.get_event_loop().run_forever()
