"""Drawing helpers every panel uses: cached text, wrapping, cards, bars, badges."""

from __future__ import annotations

from collections import OrderedDict

import pygame

from game.view import theme
from game.view.theme import Colour

_RENDER_CACHE: OrderedDict[tuple, pygame.Surface] = OrderedDict()
_WRAP_CACHE: OrderedDict[tuple, list[str]] = OrderedDict()
_CACHE_SIZE = 4000


def _remember(cache: OrderedDict, key: tuple, value):
    cache[key] = value
    if len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
    return value


def render(font: pygame.font.Font, text: str, colour: Colour) -> pygame.Surface:
    """``font.render`` with a cache, so redrawing 60 times a second stays cheap."""
    key = (font, text, colour)  # the font itself, not id(font): a freed font's id may be reused by another size
    surf = _RENDER_CACHE.get(key)
    if surf is None:
        surf = _remember(_RENDER_CACHE, key, font.render(text, True, colour))
    else:
        _RENDER_CACHE.move_to_end(key)
    return surf


def text(surface: pygame.Surface, font: pygame.font.Font, content: str, colour: Colour,
         pos: tuple[int, int], anchor: str = "topleft") -> pygame.Rect:
    """Draw one line of text with its ``anchor`` point at ``pos``; returns its rect."""
    surf = render(font, content, colour)
    rect = surf.get_rect(**{anchor: pos})
    surface.blit(surf, rect)
    return rect


def ellipsize(font: pygame.font.Font, content: str, width: int) -> str:
    """``content`` cut (with an ellipsis) to fit ``width`` pixels."""
    if font.size(content)[0] <= width:
        return content
    lo, hi = 0, len(content)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if font.size(content[:mid] + "…")[0] <= width:
            lo = mid
        else:
            hi = mid - 1
    return content[:lo].rstrip() + "…"


def wrap(font: pygame.font.Font, content: str, width: int) -> list[str]:
    """Split text into lines that fit ``width`` pixels, keeping its paragraph breaks."""
    key = (font, content, width)  # (see render: the key keeps the font alive)
    lines = _WRAP_CACHE.get(key)
    if lines is not None:
        return lines
    lines = []
    for para in content.split("\n"):
        line = ""
        for word in para.split(" "):
            trial = f"{line} {word}" if line else word
            if font.size(trial)[0] <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
            while font.size(line)[0] > width and len(line) > 1:  # one word wider than the box
                cut = len(ellipsize(font, line, width)) - 1
                lines.append(line[:max(cut, 1)])
                line = line[max(cut, 1):]
        lines.append(line)
    return _remember(_WRAP_CACHE, key, lines)


def clamp_lines(font: pygame.font.Font, content: str, width: int, max_lines: int) -> list[str]:
    """``content`` wrapped to ``width`` in at most ``max_lines`` lines; when it does not fit, the
    last line ends at a word with an ellipsis (words are never cut unless one is wider than a line)."""
    lines = wrap(font, content, width)
    if len(lines) <= max_lines:
        return lines
    if max_lines <= 0:
        return []
    kept, last = lines[:max_lines - 1], lines[max_lines - 1]
    words = last.split(" ")
    while len(words) > 1 and font.size(" ".join(words) + "…")[0] > width:
        words.pop()
    return kept + [ellipsize(font, " ".join(words).rstrip(",;:") + "…", width)]


def card_chrome(fonts, titled: bool = True) -> int:
    """Pixels a ``card`` takes above and below its inner rect (so panels can size themselves)."""
    return 24 + (fonts.heading.get_height() + 10 if titled else 0)


def card(surface: pygame.Surface, fonts, rect: pygame.Rect, title: str | None = None,
         accent: Colour | None = None, note: str | None = None) -> pygame.Rect:
    """A rounded panel with an optional small-caps heading; returns the inner rect."""
    pygame.draw.rect(surface, theme.PANEL, rect, border_radius=10)
    pygame.draw.rect(surface, theme.EDGE, rect, width=1, border_radius=10)
    inner = rect.inflate(-28, -24)
    if title:
        x = inner.x
        if accent is not None:
            pygame.draw.circle(surface, accent, (x + 4, inner.y + 7), 4)
            x += 14
        label = text(surface, fonts.heading, title.upper(), theme.MUTED, (x, inner.y))
        if note:
            text(surface, fonts.small, note, theme.FAINT, (inner.right, inner.y - 1), "topright")
        inner = pygame.Rect(inner.x, label.bottom + 10, inner.w, inner.bottom - label.bottom - 10)
    return inner


def bar(surface: pygame.Surface, rect: pygame.Rect, fraction: float, colour: Colour,
        track: Colour = theme.PANEL_RAISED) -> None:
    """A rounded progress bar filled to ``fraction`` (clamped to 0..1)."""
    pygame.draw.rect(surface, track, rect, border_radius=rect.h // 2)
    fraction = min(max(fraction, 0.0), 1.0)
    if fraction > 0:
        filled = pygame.Rect(rect.x, rect.y, max(rect.h, round(rect.w * fraction)), rect.h)
        pygame.draw.rect(surface, colour, filled, border_radius=rect.h // 2)


def badge(surface: pygame.Surface, font: pygame.font.Font, label: str, colour: Colour,
          pos: tuple[int, int], anchor: str = "topleft") -> pygame.Rect:
    """A pill with text, tinted by ``colour``; returns its rect."""
    surf = render(font, label, colour)
    rect = surf.get_rect().inflate(16, 8)
    setattr(rect, anchor, pos)
    pygame.draw.rect(surface, theme.mix(theme.PANEL, colour, 0.16), rect, border_radius=rect.h // 2)
    pygame.draw.rect(surface, theme.mix(theme.PANEL, colour, 0.5), rect, width=1, border_radius=rect.h // 2)
    surface.blit(surf, surf.get_rect(center=rect.center))
    return rect


def key_hints(surface: pygame.Surface, fonts, hints: list[tuple[str, str]], pos: tuple[int, int],
              right: int) -> None:
    """Draw ``[key] action`` hints in a row from ``pos``, stopping before ``right``."""
    x, y = pos
    for key, action in hints:
        key_surf = render(fonts.tiny, key, theme.TEXT)
        act_surf = render(fonts.small, action, theme.MUTED)
        width = key_surf.get_width() + 12 + act_surf.get_width() + 18
        if x + width > right:
            break
        box = pygame.Rect(x, y, key_surf.get_width() + 10, 18)
        pygame.draw.rect(surface, theme.PANEL_RAISED, box, border_radius=4)
        pygame.draw.rect(surface, theme.EDGE, box, width=1, border_radius=4)
        surface.blit(key_surf, key_surf.get_rect(center=box.center))
        surface.blit(act_surf, (box.right + 6, y + 1))
        x += width
