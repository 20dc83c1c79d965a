"""`/overlay`: the page OBS shows as a browser source, and what keeps it current.

No token: the page is on stream for everyone to see, and holds only what the hosts chose to put
there (the featured comment with its author and platform, who is on stage, the segment's
title), never the queue or the chat. Transparent, so OBS lays it over the video.

Chat text is data here too: the first paint is rendered on the server with every text escaped
(`html.escape`), and updates set `textContent`, never HTML. The page's Content-Security-Policy
runs only its own script and styles (by hash: a `<script>` smuggled into the page could not run
even if escaping failed), and forbids every network load but its own WebSocket: no fonts,
images or stylesheets from anywhere, a theme (`[overlay] css`) included.

Updates arrive over `/overlay/events` (a WebSocket) the moment the hosts act; the page
reconnects by itself if the show server restarts.

Chat text and names are shown in their own direction (`dir="auto"`, each guest's name a
`<bdi>`): an Arabic question ending in "?" reads with its "?" on the left, as Arabic is written,
and never reorders the page's own words around it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path
from typing import Any

#: The page's own look: a card low on the screen; the theme (`[overlay] css`) comes after it.
BASE_CSS = """\
html, body { margin: 0; padding: 0; background: transparent; overflow: hidden; }
body { font: 600 28px/1.3 system-ui, "DejaVu Sans", sans-serif; color: #fff; }
#overlay { position: absolute; left: 48px; right: 48px; bottom: 48px;
  display: flex; flex-direction: column; gap: 12px; align-items: flex-start; }
[hidden] { display: none !important; }
.card { background: rgb(20, 24, 38); border-left: 8px solid rgb(255, 176, 32);
  border-radius: 10px; padding: 16px 24px; max-width: 100%; box-sizing: border-box; }
#featured .author { font-size: 22px; color: rgb(255, 176, 32); white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; max-width: 100%; }
.name, .names { unicode-bidi: isolate; }
#featured .platform { font-size: 16px; color: rgb(190, 196, 214); margin-left: 8px;
  text-transform: uppercase; letter-spacing: 0.08em; }
#featured .text { overflow-wrap: anywhere; white-space: pre-wrap; max-height: 6.5em;
  overflow: hidden; display: -webkit-box; -webkit-box-orient: vertical;
  -webkit-line-clamp: 5; line-clamp: 5; }
.bar { background: rgba(20, 24, 38, 0.85); border-radius: 8px; padding: 6px 16px;
  font-size: 20px; }
.bar .label { color: rgb(255, 176, 32); margin-right: 8px; }
"""

#: Keeps the page current: one WebSocket, text set as text (never as HTML).
SCRIPT = """\
"use strict";
(function () {
  var delay = 500;
  function show(id, on) { document.getElementById(id).hidden = !on; }
  function put(selector, text) { document.querySelector(selector).textContent = text; }
  function render(state) {
    var featured = state.featured;
    show("featured", !!featured);
    if (featured) {
      put("#featured .name", featured.author);
      put("#featured .platform", featured.platform);
      put("#featured .text", featured.text);
    }
    var names = state.stage.map(function (guest) { return guest.author; });
    show("stage", names.length > 0);
    var list = document.querySelector("#stage .names");
    list.textContent = "";
    names.forEach(function (name, i) {
      // Each name its own isolate: an Arabic name never reorders its neighbours.
      var one = document.createElement("bdi");
      one.textContent = name;
      if (i) { list.appendChild(document.createTextNode(", ")); }
      list.appendChild(one);
    });
    show("segment", !!state.segment);
    put("#segment .title", state.segment ? state.segment.title : "");
    document.body.setAttribute("data-updated", String(Date.now()));
  }
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/overlay/events");
    socket.onopen = function () { delay = 500; };
    socket.onmessage = function (message) { render(JSON.parse(message.data)); };
    socket.onclose = function () {
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  }
  connect();
})();
"""

PAGE = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>stagehand overlay</title>
<style>{base_css}</style>
<style>{theme_css}</style>
</head>
<body>
<div id="overlay">
<section id="featured" class="card"{featured_hidden}>
<div class="author"><span class="name" dir="auto">{author}</span><span class="platform">{platform}</span></div>
<div class="text" dir="auto">{text}</div>
</section>
<div id="stage" class="bar"{stage_hidden}><span class="label">On stage</span><span class="names">{names}</span></div>
<div id="segment" class="bar"{segment_hidden}><span class="title" dir="auto">{segment}</span></div>
</div>
<script>{script}</script>
</body>
</html>
"""

#: A Host header fit to name in the policy (anything else: the policy names no host).
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


def theme_css(path: Path | None) -> str:
    """The `[overlay] css` file as it is now (read on every page load, so a host can tweak it
    while OBS shows the page); nothing when unset or unreadable (the page still works)."""
    if path is None:
        return ""
    try:
        css = path.expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    # Inside <style>, only a closing tag could end it early: it cannot, as text.
    return css.replace("</", "<\\/")


def render_page(state: dict[str, Any], theme: str) -> str:
    """The page with `state` already in it (escaped), so the first paint is right."""
    featured = state.get("featured")
    segment = state.get("segment")
    guests = [guest["author"] for guest in state.get("stage", [])]
    names = ", ".join(f"<bdi>{html.escape(name)}</bdi>" for name in guests)

    def hidden(on: object) -> str:
        return "" if on else " hidden"

    return PAGE.format(
        base_css=BASE_CSS,
        theme_css=theme,
        script=SCRIPT,
        featured_hidden=hidden(featured),
        author=html.escape(featured["author"]) if featured else "",
        platform=html.escape(featured["platform"]) if featured else "",
        text=html.escape(featured["text"]) if featured else "",
        stage_hidden=hidden(guests),
        names=names,
        segment_hidden=hidden(segment),
        segment=html.escape(segment["title"]) if segment else "",
    )


def policy(theme: str, host: str | None, *, secure: bool) -> str:
    """The page's Content-Security-Policy: its own script and styles only, no network loads
    but its WebSocket."""
    connect = ["'self'"]
    if host and _HOST.match(host):
        connect.append(("wss://" if secure else "ws://") + host)
    styles = " ".join(f"'{_hash(css)}'" for css in (BASE_CSS, theme))
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src '{_hash(SCRIPT)}'",
            f"style-src {styles}",
            f"connect-src {' '.join(connect)}",
            "img-src 'none'",
            "font-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
