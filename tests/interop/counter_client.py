#!/usr/bin/env python3
# A counter client made of the tutorial's calls (websockets.connect, send of
# json.dumps({"action": ...}), recv, json.loads), as its browser page does them.
#
#   counter_client.py URL USERS ACTIONS FINAL
# waits until USERS people are online, sends each of ACTIONS (comma-separated,
# may be empty), prints every event, and exits once the value is FINAL.

import asyncio
import json
import sys

import websockets


async def counter(url, users_wanted, actions, final):
    async with websockets.connect(url) as websocket:
        value = None
        users = 0
        sent = False
        while True:
            data = json.loads(await websocket.recv())
            if data["type"] == "state":
                value = data["value"]
                print(f"state {value}")
            elif data["type"] == "users":
                users = data["count"]
                print(f"users {users}")
            else:
                print(f"unsupported event {data}")
            if not sent and users >= users_wanted and value is not None:
                for action in actions:
                    await websocket.send(json.dumps({"action": action}))
                sent = True
            if sent and value == final:
                print(f"final {value}")
                return


url, users_wanted, actions, final = sys.argv[1:5]
actions = [a for a in actions.split(",") if a]
asyncio.run(asyncio.wait_for(counter(url, int(users_wanted), actions, int(final)), 20))
