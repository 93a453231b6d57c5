"""The world the classic-IF command corpus is parsed in: every noun the corpus names is here,
in one lit hall (the player holds the key, the coat and the sword), with a room beyond each
exit and Ada to talk to."""

CORPUS_TOML = '''
[world]
title = "Corpus Hall"

[[rooms]]
id = "hall"
name = "Great Hall"
description = "A great hall with ways out on every side."
exits = { north = { to = "kitchen", door = "door" }, south = "garden", east = "library", west = "study", up = "attic", down = "cellar", northeast = "tower", northwest = "chapel", southeast = "stable", southwest = "shed", in = "closet", out = "yard" }
scenery = [{ name = "ceiling", synonyms = ["roof", "walls", "wall", "floor"], description = "Stone, all of it." }]

[[rooms]]
id = "kitchen"
name = "Kitchen"
exits = { south = { to = "hall", door = "door" } }

[[rooms]]
id = "garden"
name = "Garden"
exits = { north = "hall" }

[[rooms]]
id = "library"
name = "Library"
exits = { west = "hall" }

[[rooms]]
id = "study"
name = "Study"
exits = { east = "hall" }

[[rooms]]
id = "attic"
name = "Attic"
exits = { down = "hall" }

[[rooms]]
id = "cellar"
name = "Cellar"
exits = { up = "hall" }

[[rooms]]
id = "tower"
name = "Tower"
exits = { southwest = "hall" }

[[rooms]]
id = "chapel"
name = "Chapel"
exits = { southeast = "hall" }

[[rooms]]
id = "stable"
name = "Stable"
exits = { northwest = "hall" }

[[rooms]]
id = "shed"
name = "Shed"
exits = { northeast = "hall" }

[[rooms]]
id = "closet"
name = "Closet"
exits = { out = "hall" }

[[rooms]]
id = "yard"
name = "Yard"
exits = { in = "hall", east = "road" }

[[rooms]]
id = "road"
name = "Road"
exits = { west = "yard" }

[[doors]]
id = "door"
name = "wooden door"
synonyms = ["door"]
state = "locked"
key = "key"

[[items]]
id = "lamp"
name = "brass lamp"
synonyms = ["lamp", "lantern", "light"]
location = "hall"
light = "off"

[[items]]
id = "key"
name = "small key"
adjectives = ["brass"]
synonyms = ["key"]
location = "player"

[[items]]
id = "box"
name = "wooden box"
synonyms = ["box"]
location = "hall"
container = { state = "open" }

[[items]]
id = "mailbox"
name = "mailbox"
synonyms = ["mailbox", "postbox"]
location = "hall"
portable = false
container = { state = "closed" }

[[items]]
id = "chest"
name = "iron chest"
synonyms = ["chest", "trunk"]
location = "hall"
portable = false
container = { state = "open", openable = true }

[[items]]
id = "table"
name = "oak table"
synonyms = ["table"]
location = "hall"
portable = false
supporter = {}

[[items]]
id = "book"
name = "old book"
synonyms = ["book", "tome"]
location = "table"
text = "Chapter one."

[[items]]
id = "leaflet"
name = "leaflet"
synonyms = ["leaflet", "paper"]
location = "hall"
text = "Welcome!"

[[items]]
id = "sword"
name = "elvish sword"
synonyms = ["sword", "blade"]
location = "player"

[[items]]
id = "knife"
name = "knife"
location = "hall"

[[items]]
id = "rope"
name = "coil of rope"
synonyms = ["rope", "coil"]
location = "hall"

[[items]]
id = "coin"
name = "gold coin"
synonyms = ["coin", "gold"]
location = "box"

[[items]]
id = "apple"
name = "red apple"
synonyms = ["apple"]
location = "hall"
food = true

[[items]]
id = "bread"
name = "loaf of bread"
synonyms = ["bread", "loaf"]
location = "hall"
food = true

[[items]]
id = "bottle"
name = "glass bottle"
synonyms = ["bottle", "flask"]
location = "hall"
container = { state = "open" }

[[items]]
id = "fountain"
name = "stone fountain"
synonyms = ["fountain", "water", "pool"]
location = "hall"
portable = false

[[items]]
id = "coat"
name = "wool coat"
synonyms = ["coat", "cloak"]
location = "player"
wearable = true

[[items]]
id = "hat"
name = "top hat"
synonyms = ["hat"]
location = "hall"
wearable = true

[[items]]
id = "ring"
name = "silver ring"
synonyms = ["ring"]
location = "hall"
wearable = true

[[items]]
id = "chair"
name = "armchair"
synonyms = ["chair"]
location = "hall"
portable = false
enterable = "on"

[[items]]
id = "bed"
name = "four-poster bed"
synonyms = ["bed"]
location = "hall"
portable = false
enterable = "on"

[[items]]
id = "boat"
name = "rowing boat"
synonyms = ["boat", "dinghy"]
location = "hall"
portable = false
enterable = "in"

[[items]]
id = "button"
name = "red button"
synonyms = ["button"]
location = "hall"
portable = false
switch = { effect = "toggle", target = "mailbox" }

[[items]]
id = "lever"
name = "iron lever"
synonyms = ["lever"]
location = "hall"
portable = false
switch = { effect = "toggle", target = "chest", verb = "pull" }

[[items]]
id = "dial"
name = "safe dial"
synonyms = ["dial"]
location = "hall"
portable = false
dial = { values = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"], value = "1" }

[[items]]
id = "statue"
name = "marble statue"
synonyms = ["statue"]
location = "hall"
portable = false

[[items]]
id = "rug"
name = "dusty rug"
synonyms = ["rug", "carpet"]
location = "hall"
portable = false

[[items]]
id = "tree"
name = "oak tree"
synonyms = ["tree"]
location = "hall"
portable = false

[[items]]
id = "window"
name = "window"
location = "hall"
portable = false

[[items]]
id = "bell"
name = "brass bell"
synonyms = ["bell"]
location = "hall"
portable = false

[[actors]]
id = "player"
name = "you"
location = "hall"

[[actors]]
id = "ada"
name = "Ada"
synonyms = ["woman", "keeper"]
location = "hall"
'''
