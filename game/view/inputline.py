"""The command line: editing, history (up/down) and Tab completion from admissible commands."""

from __future__ import annotations

import os

import pygame

from game.view import theme, widgets


class InputLine:
    """A one-line editor. Pure state; ``handle_key``/``handle_text`` take pygame events.

    Attributes:
        text: what is typed so far.
        cursor: the caret position in ``text``.
        history: submitted lines, oldest first.
        matches: the admissible commands the last Tab matched (shown above the line).
    """

    def __init__(self) -> None:
        self.text = ""
        self.cursor = 0
        self.history: list[str] = []
        self.matches: list[str] = []
        self._browse: int | None = None  # index into history while browsing with up/down
        self._draft = ""
        self._cycle = -1

    # -- editing ---------------------------------------------------------------------

    def set(self, text: str) -> None:
        self.text, self.cursor = text, len(text)

    def insert(self, chars: str) -> None:
        self.text = self.text[:self.cursor] + chars + self.text[self.cursor:]
        self.cursor += len(chars)
        self._edited()

    def backspace(self, word: bool = False) -> None:
        cut = self._word_start() if word else max(0, self.cursor - 1)
        self.text = self.text[:cut] + self.text[self.cursor:]
        self.cursor = cut
        self._edited()

    def delete(self) -> None:
        self.text = self.text[:self.cursor] + self.text[self.cursor + 1:]
        self._edited()

    def clear(self) -> None:
        self.set("")
        self._edited()

    def _word_start(self) -> int:
        i = self.cursor
        while i > 0 and self.text[i - 1] == " ":
            i -= 1
        while i > 0 and self.text[i - 1] != " ":
            i -= 1
        return i

    def _edited(self) -> None:
        self.matches, self._cycle, self._browse = [], -1, None

    # -- history -----------------------------------------------------------------------

    def history_prev(self) -> None:
        if not self.history:
            return
        if self._browse is None:
            self._draft, self._browse = self.text, len(self.history)
        self._browse = max(0, self._browse - 1)
        self.set(self.history[self._browse])

    def history_next(self) -> None:
        if self._browse is None:
            return
        self._browse += 1
        if self._browse >= len(self.history):
            self._browse = None
            self.set(self._draft)
        else:
            self.set(self.history[self._browse])

    def submit(self) -> str | None:
        """The typed line (stripped), added to history; None when it is empty."""
        line = self.text.strip()
        self.clear()
        if not line:
            return None
        if not self.history or self.history[-1] != line:
            self.history.append(line)
        return line

    # -- completion ------------------------------------------------------------------------

    def complete(self, options: list[str]) -> list[str]:
        """Tab: complete to the one match, extend to the common prefix, or cycle matches.

        Matches are options starting with what is typed (ignoring case and leading
        spaces); failing that, options containing it.
        """
        if self._cycle >= 0 and self.matches:
            self._cycle = (self._cycle + 1) % len(self.matches)
            self.set(self.matches[self._cycle])
            return self.matches
        typed = self.text.strip().lower()
        matches = [o for o in options if o.lower().startswith(typed)] or \
                  [o for o in options if typed in o.lower()]
        if not matches:
            self.matches = []
            return []
        prefix = os.path.commonprefix([m.lower() for m in matches])
        if len(matches) == 1:
            self.set(matches[0])
        elif len(prefix) > len(typed) and all(m.lower().startswith(typed) for m in matches):
            self.set(matches[0][:len(prefix)])
        else:
            self._cycle = 0
            self.set(matches[0])
        self.matches = matches if len(matches) > 1 else []
        return matches

    # -- events ----------------------------------------------------------------------------

    def handle_text(self, event: pygame.event.Event) -> None:
        self.insert(event.text)

    def handle_key(self, event: pygame.event.Event, options: list[str]) -> str | None:
        """Apply one KEYDOWN; returns the submitted line on Enter, else None."""
        ctrl = event.mod & pygame.KMOD_CTRL
        key = event.key
        if key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            return self.submit()
        actions = {
            pygame.K_BACKSPACE: lambda: self.backspace(word=bool(ctrl)),
            pygame.K_DELETE: self.delete,
            pygame.K_LEFT: lambda: self._move(-1),
            pygame.K_RIGHT: lambda: self._move(1),
            pygame.K_HOME: lambda: self._move(-len(self.text)),
            pygame.K_END: lambda: self._move(len(self.text)),
            pygame.K_UP: self.history_prev,
            pygame.K_DOWN: self.history_next,
            pygame.K_TAB: lambda: self.complete(options),
            pygame.K_ESCAPE: self.clear,
        }
        if ctrl and key == pygame.K_u:
            self.clear()
        elif ctrl and key == pygame.K_w:
            self.backspace(word=True)
        elif key in actions:
            actions[key]()
        return None

    def _move(self, delta: int) -> None:
        self.cursor = min(max(0, self.cursor + delta), len(self.text))


def draw_input(surface: pygame.Surface, rect: pygame.Rect, line: InputLine, fonts, prompt: str,
               colour: theme.Colour, placeholders: tuple[str, ...], caret_on: bool, enabled: bool = True) -> None:
    """The input box: prompt, text with caret, placeholder when empty (the first of
    ``placeholders`` that fits, else the last cut short), matches above it."""
    edge = theme.mix(theme.EDGE, colour, 0.55) if enabled else theme.EDGE
    pygame.draw.rect(surface, theme.PANEL_RAISED, rect, border_radius=10)
    pygame.draw.rect(surface, edge, rect, width=2, border_radius=10)
    label = widgets.text(surface, fonts.mono_bold, prompt, colour if enabled else theme.FAINT,
                         (rect.x + 14, rect.centery), "midleft")
    x = label.right + 10
    if not line.text:
        room = rect.right - x - 14
        placeholder = next((p for p in placeholders if fonts.ui.size(p)[0] <= room), placeholders[-1])
        widgets.text(surface, fonts.ui, widgets.ellipsize(fonts.ui, placeholder, room), theme.FAINT,
                     (x, rect.centery), "midleft")
    else:
        shown = widgets.ellipsize(fonts.mono, line.text, rect.right - x - 14)
        widgets.text(surface, fonts.mono, shown, theme.TEXT, (x, rect.centery), "midleft")
    if enabled and caret_on:
        cx = x + fonts.mono.size(line.text[:line.cursor])[0]
        pygame.draw.rect(surface, colour, (min(cx, rect.right - 14), rect.centery - 9, 2, 18))
    if line.matches:
        _draw_matches(surface, rect, line, fonts)


def _draw_matches(surface: pygame.Surface, rect: pygame.Rect, line: InputLine, fonts) -> None:
    shown = line.matches[:8]
    h = 22 * len(shown) + 12
    box = pygame.Rect(rect.x + 40, rect.y - h - 6, min(rect.w - 40, 380), h)
    pygame.draw.rect(surface, theme.PANEL_RAISED, box, border_radius=8)
    pygame.draw.rect(surface, theme.EDGE, box, width=1, border_radius=8)
    for i, match in enumerate(shown):
        y = box.y + 6 + 22 * i
        if match == line.text:
            pygame.draw.rect(surface, theme.mix(theme.PANEL_RAISED, theme.AMBER, 0.25),
                             (box.x + 4, y, box.w - 8, 22), border_radius=5)
        widgets.text(surface, fonts.mono, widgets.ellipsize(fonts.mono, match, box.w - 20), theme.TEXT,
                     (box.x + 10, y + 3))
    if len(line.matches) > len(shown):
        widgets.text(surface, fonts.small, f"+{len(line.matches) - len(shown)} more", theme.MUTED,
                     (box.right - 8, box.bottom - 4), "bottomright")
