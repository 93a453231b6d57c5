"""Lantern's game engine: worlds, parser, rules, quests, generator, solver, env.

Nothing in this package imports torch, transformers or (outside ``game.view``)
pygame, so the game runs, is tested and is benchmarked without them.
"""
