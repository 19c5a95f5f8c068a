"""Render time, PNG size and install size of the /timeline picture: Pillow (what bot/timeline_picture.py
uses) against matplotlib drawing the same picture (rows of actors, dots, joining lines, numbered phase
bands, date axis, key), from the shipped knowledge base.

    python benchmarks/timeline_picture.py [--repeat 20] [--out DIR]

Prints, for each library that is installed: the cold import in a fresh process, the first render in
that process (fonts loaded), the median and worst of `--repeat` further renders (the cache cleared each
time, so each is a full drawing and PNG encoding), the PNG's size, and the installed size of the library
with the dependencies it brings (beyond those the bot needs anyway). matplotlib is not a dependency of
the bot: install it in a scratch environment to compare (`pip install matplotlib==3.11.2`). The budget
is 500 ms a render and 500 KB a PNG. `--out DIR` writes both pictures there to compare by eye. Asserts
nothing; wall-clock on whatever machine runs it, so read it together with the load average it prints.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.chronology import actor_order, overview, span_label, swatches  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402

BUDGET_MS, BUDGET_KB = 500, 500
# What the bot installs anyway (pyproject.toml), so not counted against a picture library.
BOT_NEEDS = {"numpy", "packaging", "discord-py", "rapidfuzz", "pyyaml", "python-dotenv", "aiohttp"}


def cold_import(module: str) -> float:
    """Seconds to import `module` in a fresh interpreter (the median of three)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(3)]
    return statistics.median(runs)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_size(distribution: str) -> tuple[float, list[str]]:
    """MiB on disk of `distribution` and every dependency it pulls in that the bot does not need anyway."""
    seen: set[str] = set()
    pending = [distribution]
    total = 0
    while pending:
        name = _canonical(pending.pop())
        if name in seen or name in BOT_NEEDS:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen.add(name)
        for file in dist.files or []:
            path = Path(str(file.locate()))
            if path.is_file():
                total += path.stat().st_size
        for requirement in dist.requires or []:
            if "extra ==" not in requirement:
                pending.append(re.split(r"[ ;<>=!~\[(]", requirement, maxsplit=1)[0])
    return total / 2**20, sorted(seen)


def timed(render: Callable[[], bytes], repeat: int) -> tuple[float, list[float], bytes]:
    """(first render's seconds, the next renders' seconds, the PNG)."""
    start = time.perf_counter()
    png = render()
    first = time.perf_counter() - start
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        png = render()
        runs.append(time.perf_counter() - start)
    return first, runs, png


def pillow_render(knowledge) -> Callable[[], bytes]:
    from bot import timeline_picture

    def render() -> bytes:
        timeline_picture._draw.cache_clear()  # a full drawing every time, not the cached picture
        picture = timeline_picture.timeline_picture(knowledge)
        assert picture is not None
        return picture.png

    return render


def matplotlib_render(knowledge) -> Callable[[], bytes]:
    """The same picture drawn with matplotlib's Agg backend, at the same size in pixels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from bot.timeline_picture import WIDTH

    view = overview(knowledge)
    colours = swatches(knowledge)
    actors = actor_order(view)
    rows = {actor: i for i, actor in enumerate(reversed(actors))}

    def render() -> bytes:
        height = 694
        fig = plt.figure(figsize=(WIDTH / 100, height / 100), dpi=100, facecolor="#fafaf8")
        axes = fig.add_axes((0.24, 0.38, 0.73, 0.44))
        for n, phase in enumerate(view.phases, start=1):
            axes.axvspan(mdates.date2num(phase.start), mdates.date2num(phase.end) + 1,
                         color="#e8ecf2" if n % 2 else "#f3f5f8", lw=0)
            axes.text(mdates.date2num(phase.start) + ((phase.end - phase.start).days + 1) / 2, len(actors) - 0.3, str(n),
                      ha="center", va="center", color="white", fontsize=11, weight="bold",
                      bbox={"boxstyle": "circle", "fc": "#212529", "lw": 0})
        for event in view.within:
            x = mdates.date2num(event.date) + 0.5
            ys = [rows[a] for a in event.actors]
            if len(ys) > 1:
                axes.plot([x, x], [min(ys), max(ys)], color="#8c929b", lw=1.5, zorder=1)
            for actor in event.actors:
                axes.scatter([x], [rows[actor]], s=90, color=[c / 255 for c in colours[actor].rgb],
                             edgecolors="#fafaf8", linewidths=1.5, zorder=2)
        axes.set_yticks(list(rows.values()), list(rows.keys()), fontsize=13)
        axes.set_ylim(-0.6, len(actors) - 0.1)
        axes.xaxis.set_major_locator(mdates.MonthLocator())
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %-d"))
        axes.tick_params(labelsize=11)
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
        fig.text(0.03, 0.93, f"{span_label(view.start, view.end)} · {len(view.within)} events in {len(view.phases)} phases",
                 fontsize=15, weight="bold", color="#212529")
        for n, phase in enumerate(view.phases, start=1):
            fig.text(0.03, 0.30 - 0.052 * n, f"{n}  {span_label(phase.start, phase.end, with_year=False)}   {phase.title}",
                     fontsize=13, color="#212529")
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=100, facecolor=fig.get_facecolor())
        plt.close(fig)
        return out.getvalue()

    return render


def report(name: str, module: str, distribution: str, make: Callable, knowledge, repeat: int, out: Path | None) -> None:
    try:
        __import__(module)
    except ImportError:
        print(f"== {name}: not installed (pip install {distribution} to compare)\n")
        return
    print(f"== {name} {metadata.version(distribution)}")
    print(f"  cold import ({module}): {cold_import(module) * 1000:.0f} ms")
    first, runs, png = timed(make(knowledge), repeat)
    print(f"  first render (fonts loaded): {first * 1000:.0f} ms")
    print(f"  render, median of {repeat}: {statistics.median(runs) * 1000:.1f} ms, worst {max(runs) * 1000:.1f} ms "
          f"(budget {BUDGET_MS} ms)")
    print(f"  PNG: {len(png) / 1024:.0f} KB (budget {BUDGET_KB} KB)")
    size, packages = installed_size(distribution)
    print(f"  installed: {size:.1f} MiB ({', '.join(packages)})")
    if out:
        path = out / f"timeline-{name.lower()}.png"
        path.write_bytes(png)
        print(f"  wrote {path}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20, help="renders timed after the first (default 20)")
    parser.add_argument("--out", type=Path, help="write each library's picture to this directory")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores\n")
    knowledge = load_knowledge(ROOT / "knowledge")
    report("Pillow", "PIL.ImageDraw", "pillow", pillow_render, knowledge, args.repeat, args.out)
    report("matplotlib", "matplotlib.pyplot", "matplotlib", matplotlib_render, knowledge, args.repeat, args.out)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
