"""A small world with one of each kind of device: a button, a lever, a dial, clothes and an
enterable (shared by the device tests)."""

DEVICES_TOML = '''
[world]
title = "Workshop"

[[rooms]]
id = "yard"
name = "Yard"
description = "A cobbled yard. A gate leads north."
exits = { north = { to = "shed", door = "gate" } }

[[rooms]]
id = "shed"
name = "Shed"
description = "A dusty shed."
exits = { south = { to = "yard", door = "gate" } }

[[doors]]
id = "gate"
name = "iron gate"
synonyms = ["gate"]
state = "closed"

[[items]]
id = "button"
name = "red button"
synonyms = ["button"]
location = "yard"
portable = false
switch = { effect = "open", target = "gate" }

[[items]]
id = "lever"
name = "wooden lever"
synonyms = ["lever"]
location = "shed"
portable = false
switch = { effect = "toggle", target = "safe", verb = "pull" }

[[items]]
id = "safe"
name = "steel safe"
synonyms = ["safe"]
location = "shed"
portable = false
container = { state = "closed", openable = false }

[[items]]
id = "radio"
name = "radio"
location = "shed"
portable = false
dial = { values = ["1", "2", "3", "off"], value = "off" }

[[items]]
id = "coat"
name = "oilskin coat"
synonyms = ["coat", "oilskin"]
location = "safe"
wearable = true

[[items]]
id = "bench"
name = "bench"
location = "shed"
portable = false
enterable = "on"
supporter = {}

[[items]]
id = "barrel"
name = "barrel"
location = "yard"
portable = false
enterable = "in"

[[items]]
id = "lamp"
name = "lamp"
location = "yard"
light = "off"

[[actors]]
id = "player"
name = "you"
location = "yard"

[[quests]]
id = "dress"
goals = [
  { type = "worn", item = "coat" },
  { type = "set", item = "radio", value = 2 },
]
'''
