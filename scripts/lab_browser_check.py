"""Check in a real browser that JupyterLab runs a report template on the project's kernel.

A manual check, not part of `make test` (it needs `make lab`'s .venv-lab and Debian's
chromium: apt-get install chromium). It starts JupyterLab on 127.0.0.1 with a token,
drives headless chromium over the DevTools protocol, opens a copy of a template in
scratch/ (so that nothing Lab saves touches the template), runs all cells, fails on any
error output or on a kernel other than the project's, and saves screenshots::

    .venv/bin/python scripts/lab_browser_check.py                 # institution_report.ipynb
    .venv/bin/python scripts/lab_browser_check.py --report reports/2018/annual-rankings/report.html

``--report`` instead loads a rendered report at 1280 and 400 px wide, fails if the page is
wider than the window or fetches anything, and saves a screenshot of each.
"""

import argparse
import asyncio
import base64
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parent.parent
LAB_VENV = ROOT / ".venv-lab"
FIXTURE = ROOT / "tests" / "fixtures" / "content_records.csv"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
]  # fmt: skip


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, seconds=60):
    """Return the body of ``url`` once it answers; raise after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


class Page:
    """One chromium tab, driven over the DevTools protocol."""

    def __init__(self, socket_):
        self.socket, self.next_id, self.requests = socket_, 0, []

    async def call(self, method, **params):
        self.next_id += 1
        await self.socket.write_message(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(await self.socket.read_message())
            if message.get("method") == "Network.requestWillBeSent":
                self.requests.append(message["params"]["request"]["url"])
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    async def evaluate(self, expression):
        result = await self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:60]}…: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def until(self, expression, seconds, what):
        deadline = time.monotonic() + seconds
        while not await self.evaluate(expression):
            if time.monotonic() > deadline:
                raise TimeoutError(f"gave up waiting for {what}")
            await asyncio.sleep(0.5)

    async def screenshot(self, path, width, height):
        await self.call(
            "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False
        )
        data = (await self.call("Page.captureScreenshot", format="png"))["data"]
        Path(path).write_bytes(base64.b64decode(data))
        print(f"screenshot: {path}")


class Chromium:
    """Headless chromium with a fresh profile, removed on exit."""

    def __enter__(self):
        self.profile = tempfile.mkdtemp(prefix="pct-chromium-")
        port = free_port()
        self.process = subprocess.Popen(
            ["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}",
             f"--remote-debugging-port={port}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(f"http://127.0.0.1:{port}/json/version")
        targets = json.loads(wait_for(f"http://127.0.0.1:{port}/json/list"))
        self.page_url = next(target["webSocketDebuggerUrl"] for target in targets if target["type"] == "page")
        return self

    async def page(self):
        page = Page(await websocket_connect(self.page_url, max_message_size=256 * 2**20))
        await page.call("Page.enable")
        return page

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


class Lab:
    """JupyterLab from .venv-lab on 127.0.0.1 with a random token, as `make lab` starts it."""

    def __enter__(self):
        self.token, self.port = secrets.token_hex(16), free_port()
        command = [
            str(LAB_VENV / "bin" / "jupyter"), "lab", "--no-browser", "--expose-app-in-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={ROOT}",
        ]  # fmt: skip
        if os.getuid() == 0:
            command.append("--allow-root")
        environment = {**os.environ, "JUPYTER_PATH": str(LAB_VENV / "share" / "jupyter")}
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(self.url("api/status"), seconds=120)
        return self

    def url(self, path):
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


PANEL = "Array.from(window.jupyterapp?.shell.widgets('main') ?? []).find(w => w.context?.path?.endsWith('.ipynb'))"

RUN_STATE = """(() => {
  const panel = PANEL;
  const cells = panel.content.widgets.filter(cell => cell.model.type === 'code');
  return {
    kernel: panel.sessionContext.session?.kernel?.name,
    kernel_display: panel.sessionContext.kernelDisplayName,
    status: panel.sessionContext.session?.kernel?.status,
    run: cells.filter(cell => cell.model.executionCount !== null).length,
    cells: cells.length,
    errors: cells.flatMap(cell => cell.model.outputs.toJSON())
      .filter(output => output.output_type === 'error' || output.name === 'stderr')
      .map(output => output.ename ? `${output.ename}: ${output.evalue}` : output.text),
    plain: cells.flatMap(cell => cell.model.outputs.toJSON())
      .filter(output => output.data && !output.data['text/html'] && !output.data['image/png'])
      .map(output => JSON.stringify(output.data).slice(0, 80)),
  };
})()""".replace("PANEL", PANEL)


async def check_lab(template, data, out_dir):
    """Run ``template`` (a copy in scratch/) in JupyterLab and return the run state."""
    scratch = ROOT / "scratch" / "lab-check"
    scratch.mkdir(parents=True, exist_ok=True)
    copy = scratch / template.name
    notebook = nbformat.read(template, as_version=4)
    notebook.cells[0].source += f"\ndata_path = {str(data)!r}"  # a small input: seconds, not minutes
    nbformat.write(notebook, copy)
    with Lab() as lab, Chromium() as chromium:
        page = await chromium.page()
        await page.call(
            "Emulation.setDeviceMetricsOverride", width=1400, height=1000, deviceScaleFactor=1, mobile=False
        )
        await page.call("Emulation.setFocusEmulationEnabled", enabled=True)  # Lab's commands act on the focused tab
        await page.call("Page.navigate", url=lab.url(f"lab/tree/{copy.relative_to(ROOT).as_posix()}"))
        await page.until(f"!!{PANEL}?.sessionContext?.session?.kernel", 120, "the notebook")
        await page.until(f"({RUN_STATE}).status === 'idle'", 120, "the kernel")
        await page.evaluate(f"window.jupyterapp.shell.activateById({PANEL}.id)")
        await page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        await page.until(f"(s => s.run === s.cells && s.status === 'idle')({RUN_STATE})", 600, "all cells to run")
        state = await page.evaluate(RUN_STATE)
        # Lab asks once whether to fetch Jupyter's news: say no, so that nothing covers the notebook.
        await page.evaluate(
            "Array.from(document.querySelectorAll('.jp-toast-button')).find(b => b.textContent === 'No')?.click()"
        )
        await page.evaluate(f"{PANEL}.content.scrollToItem(0)")
        await asyncio.sleep(1)
        await page.screenshot(out_dir / "lab-top.png", 1400, 1000)
        # Scroll to the key figures and the ranking table with the institution's row marked.
        for name, selector in (("lab-key-figures.png", ".key-figures"), ("lab-table.png", "tr.highlight")):
            await page.evaluate(f"document.querySelector('{selector}')?.scrollIntoView({{block: 'center'}})")
            await asyncio.sleep(1)
            await page.screenshot(out_dir / name, 1400, 1000)
    return state


async def check_report(html, out_dir):
    """Load a rendered report at 1280 and 400 px; return each width's page width."""
    widths = {}
    with Chromium() as chromium:
        page = await chromium.page()
        await page.call("Network.enable")
        for width in (1280, 400):
            await page.call(
                "Emulation.setDeviceMetricsOverride", width=width, height=1600, deviceScaleFactor=1, mobile=False
            )
            await page.call("Page.navigate", url=Path(html).resolve().as_uri())
            await page.until("document.readyState === 'complete'", 60, "the report")
            await asyncio.sleep(1)
            widths[width] = await page.evaluate("document.documentElement.scrollWidth")
            await page.screenshot(out_dir / f"report-{width}.png", width, 1600)
            searchable = await page.evaluate(SEARCHABLE)
            if searchable is not None:
                print(f"searchable table at {width} px: {searchable}")
                await page.screenshot(out_dir / f"report-{width}-searchable.png", width, 1600)
        fetched = [url for url in page.requests if not url.startswith(("file:", "data:", "blob:"))]
        print(f"requests beyond the file itself: {fetched or 'none'}")
    return widths if not fetched else {}


SEARCHABLE = """(() => {
  const box = document.querySelector('.pct-searchable');
  if (!box) return null;
  box.scrollIntoView();
  const table = box.querySelector('table.dataTable');
  return {interactive: !!table, rows: table ? table.querySelectorAll('tbody tr').length : 0,
          search: !!box.querySelector('input[type=search]')};
})()"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", default="institution_report.ipynb", help="a template in notebooks/")
    parser.add_argument(
        "--data", default=str(FIXTURE), help="the input the template runs on (default: a small fixture)"
    )
    parser.add_argument("--report", help="check a rendered report.html at 1280 and 400 px instead")
    parser.add_argument("--out", default=str(ROOT / "scratch" / "browser-check"), help="where screenshots go")
    args = parser.parse_args(argv)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    if args.report:
        widths = asyncio.run(check_report(args.report, out_dir))
        print(f"page width at each window width: {widths}")
        return 0 if widths and all(page <= window for window, page in widths.items()) else 1
    if not (LAB_VENV / "bin" / "jupyter").exists() or not shutil.which("chromium"):
        print("needs `make lab` (for .venv-lab) and chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    state = asyncio.run(check_lab(ROOT / "notebooks" / args.template, args.data, out_dir))
    print(json.dumps(state, indent=2, ensure_ascii=False))
    ok = state["kernel"] == "python3" and not state["errors"] and not state["plain"] and state["run"] == state["cells"]
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
