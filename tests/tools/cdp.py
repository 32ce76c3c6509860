"""A small driver for headless Chromium over the DevTools protocol, for the browser tests.

Chromium is started with --remote-debugging-pipe: it reads protocol messages (JSON, each
ended by a NUL byte) on file descriptor 3 and writes on 4, so no port is opened and no
WebSocket library is needed. One page per Browser; page scripts can be switched off
(`javascript=False`), which is how a reader without JavaScript sees the edition, while the
protocol's own Runtime.evaluate still reads the page.

    with Browser(width=390, height=800, javascript=False) as b:
        b.open(path)
        b.press("Tab")
        b.eval("document.activeElement.className")
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")

_KEYS = {
    "Tab": {"key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9},
    "Enter": {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r"},
    "Space": {"key": " ", "code": "Space", "windowsVirtualKeyCode": 32, "text": " "},
    "Escape": {"key": "Escape", "code": "Escape", "windowsVirtualKeyCode": 27},
}


class BrowserError(RuntimeError):
    pass


# What Chromium answers an evaluation while the page it was aimed at is being replaced.
_NAVIGATING = ("navigated or closed", "Execution context was destroyed", "Cannot find context")


class Browser:
    def __init__(self, width: int = 1280, height: int = 900, javascript: bool = True,
                 color_scheme: str = "light", media: str = "screen", mobile: bool = False,
                 timeout: float = 30.0) -> None:
        if not CHROMIUM:
            raise BrowserError("chromium not found")
        self.width, self.height, self.javascript = width, height, javascript
        self.color_scheme, self.media, self.mobile, self.timeout = color_scheme, media, mobile, timeout
        self._id = 0
        self._buffer = b""
        self._events: list[dict] = []

    # -- process and protocol ------------------------------------------------------------
    def __enter__(self) -> Browser:
        self._profile = tempfile.mkdtemp(prefix="teikit-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire() -> None:
            # Move both ends out of the way first: a pipe may itself have been given fd 3 or 4.
            read_end, write_end = os.dup(to_chrome_r) + 100, os.dup(from_chrome_w) + 100
            os.dup2(to_chrome_r, read_end)
            os.dup2(from_chrome_w, write_end)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self._proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--no-first-run", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
             "--disable-extensions", "--mute-audio", f"--user-data-dir={self._profile}",
             "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire, close_fds=False)  # fds 3 and 4 are set up by wire()
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        try:
            target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
            attached = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})
            self._session = attached["sessionId"]
            self.send("Page.enable")
            self.send("Runtime.enable")
            self.send("Emulation.setScriptExecutionDisabled", {"value": not self.javascript})
            self.send("Emulation.setDeviceMetricsOverride", {
                "width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": self.mobile})
            scheme = {"name": "prefers-color-scheme", "value": self.color_scheme}
            self.send("Emulation.setEmulatedMedia", {"media": self.media, "features": [scheme]})
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for fd in (self._to_chrome, self._from_chrome):
            with contextlib.suppress(OSError):
                os.close(fd)
        try:
            self._proc.terminate()
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        shutil.rmtree(self._profile, ignore_errors=True)

    def _write(self, message: dict) -> None:
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._to_chrome, data):]

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("chromium did not answer in time")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome, 1 << 16)
                if not chunk:
                    raise BrowserError("chromium closed the pipe")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def _call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._write(message)
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._events.append(reply)

    def send(self, method: str, params: dict | None = None) -> dict:
        return self._call(method, params, self._session)

    def _wait_event(self, method: str) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            for i, event in enumerate(self._events):
                if event.get("method") == method:
                    return self._events.pop(i)
            self._events.append(self._read(deadline))

    # -- what the tests use --------------------------------------------------------------
    def open(self, path: Path, fragment: str = "") -> None:
        self.navigate(Path(path).resolve().as_uri() + fragment)

    def navigate(self, url: str) -> None:
        """Load any URL (a site served on 127.0.0.1, say) and wait for its load event."""
        self._events.clear()
        self.send("Page.navigate", {"url": url})
        self._wait_event("Page.loadEventFired")

    def eval(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (run by the protocol, not the page)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(f"{expression}: {details.get('exception', details)}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float | None = None) -> Any:
        """The value of `expression` once it is truthy (a search result, a loaded widget)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            try:
                value = self.eval(expression)
            except BrowserError as exc:
                # a page that is navigating (a followed link) has no context to evaluate in yet
                if not any(word in str(exc) for word in _NAVIGATING) or time.monotonic() > deadline:
                    raise
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"{expression} still false after {timeout or self.timeout} s")
            time.sleep(0.1)

    def type(self, text: str) -> None:
        """Text typed into the focused element, as a keyboard's input events."""
        self.send("Input.insertText", {"text": text})

    def press(self, key: str, shift: bool = False) -> None:
        spec = dict(_KEYS[key], modifiers=8 if shift else 0)
        self.send("Input.dispatchKeyEvent", dict(spec, type="keyDown" if "text" in spec else "rawKeyDown"))
        self.send("Input.dispatchKeyEvent", dict(spec, type="keyUp"))

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the first element matching `selector`."""
        self.eval(f"document.querySelector({json.dumps(selector)}).scrollIntoView({{block: 'center'}})")
        box = self.eval(f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
                        f".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()")
        self.mouse(*box, click=True)

    def mouse(self, x: float, y: float, click: bool = False) -> None:
        self.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
        if click:
            for kind in ("mousePressed", "mouseReleased"):
                self.send("Input.dispatchMouseEvent",
                          {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def screenshot(self, full_height: int | None = None) -> bytes:
        params: dict[str, Any] = {"format": "png"}
        if full_height:
            params["clip"] = {"x": 0, "y": 0, "width": self.width, "height": full_height, "scale": 1}
            params["captureBeyondViewport"] = True
        return base64.b64decode(self.send("Page.captureScreenshot", params)["data"])
