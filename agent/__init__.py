"""The NPC's mind: a language-model policy trained by policy gradient.

Only this package imports torch and transformers. It uses the game through
``game.env``, ``game.record`` and the other public engine modules.
"""
