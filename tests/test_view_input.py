"""The input line: editing, history with up/down, Tab completion from admissible commands."""

import pygame

from game.view.inputline import InputLine
from tests.view_helpers import key, typed

OPTIONS = ["go east", "go north", "open front door", "take brass key", "take blue book"]


def press(line: InputLine, k: int, mod: int = 0) -> str | None:
    return line.handle_key(key(k, mod), OPTIONS)


def test_typing_editing_and_submit():
    line = InputLine()
    line.handle_text(typed("take lmap"))
    press(line, pygame.K_LEFT)
    press(line, pygame.K_LEFT)
    press(line, pygame.K_BACKSPACE)
    line.handle_text(typed("am"))
    press(line, pygame.K_DELETE)
    assert line.text == "take lamp"
    assert press(line, pygame.K_RETURN) == "take lamp"
    assert line.text == "" and line.history == ["take lamp"]
    assert press(line, pygame.K_RETURN) is None           # nothing typed, nothing sent
    line.handle_text(typed("go to the  north"))
    press(line, pygame.K_BACKSPACE, pygame.KMOD_CTRL)
    assert line.text == "go to the  "
    press(line, pygame.K_u, pygame.KMOD_CTRL)
    assert line.text == ""


def test_history_up_down_keeps_the_draft():
    line = InputLine()
    for command in ("look", "go north", "go north", "take key"):
        line.set(command)
        line.submit()
    assert line.history == ["look", "go north", "take key"]   # repeats are not stored twice
    line.handle_text(typed("dra"))
    press(line, pygame.K_UP)
    assert line.text == "take key"
    press(line, pygame.K_UP)
    press(line, pygame.K_UP)
    press(line, pygame.K_UP)                                   # stops at the oldest
    assert line.text == "look"
    press(line, pygame.K_DOWN)
    assert line.text == "go north"
    press(line, pygame.K_DOWN)
    press(line, pygame.K_DOWN)
    assert line.text == "dra" and line.cursor == 3             # back to what was being typed


def test_tab_completes_a_unique_match():
    line = InputLine()
    line.handle_text(typed("op"))
    press(line, pygame.K_TAB)
    assert line.text == "open front door" and line.cursor == len(line.text)
    assert line.matches == []


def test_tab_extends_to_the_common_prefix_then_cycles():
    line = InputLine()
    line.handle_text(typed("t"))
    press(line, pygame.K_TAB)
    assert line.text == "take b"
    assert line.matches == ["take brass key", "take blue book"]
    press(line, pygame.K_TAB)
    assert line.text == "take brass key"
    press(line, pygame.K_TAB)
    assert line.text == "take blue book"
    press(line, pygame.K_TAB)
    assert line.text == "take brass key"
    line.handle_text(typed("!"))                               # any edit ends the cycle
    assert line.matches == []


def test_tab_falls_back_to_words_inside_commands_and_ignores_no_match():
    line = InputLine()
    line.handle_text(typed("book"))
    press(line, pygame.K_TAB)
    assert line.text == "take blue book"
    line.clear()
    line.handle_text(typed("xyzzy"))
    press(line, pygame.K_TAB)
    assert line.text == "xyzzy" and line.matches == []
