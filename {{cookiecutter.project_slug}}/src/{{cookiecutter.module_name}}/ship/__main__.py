"""`make ship`: write ship/, the demo and the API with exactly what they need, for a hosting platform.

    python -m <package>.ship reports/metrics/<model>.json ... ship

make has built every file this reads and checked none is out of date (a stale model is refused there).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..cli import run
from ..errors import StepError
from ..files import read_json, remove_folder, replace_with_folder, write_json
from ..results import Result, rank
from . import contents, platforms
from .probe import probe
from .requirements import requirements_txt

APP = Path("app.py")
PYPROJECT = Path("pyproject.toml")
TRAIN = Path("data/processed/train.parquet")
FEATURES = Path("data/processed/features.json")
LEADERBOARD = Path("reports/leaderboard.md")
FIGURES = Path("reports/figures")
CHECK = Path(__file__).with_name("check.py")


def item_table(best: Result) -> list[Path]:
    """The item table the demo and the API show details from ([data] items), when there is one."""
    items = best.get("items")
    if not items:
        return []
    path = Path(items)
    if path.is_absolute() or ".." in path.parts or "://" in items or not path.is_file():
        raise StepError(
            "[data] items must be a file inside the project to ship (the demo and the API read it): "
            "copy it under data/ and point [data] items at it"
        )
    return [path]


def built_files(ranked: list[Result]) -> list[Path]:
    """The files the pipeline built that the demo and the API read (the project's own paths)."""
    names = [result["model"] for result in ranked]
    figures = [FIGURES / f"{name}.png" for name in ["leaderboard", "cost", *names]]
    return [
        *(Path("models") / f"{name}.joblib" for name in names),
        *(Path("reports/metrics") / f"{name}.json" for name in names),
        LEADERBOARD,
        *(path for path in figures if path.is_file()),
        TRAIN,
        FEATURES,
        *item_table(ranked[0]),
    ]


def copy(source: Path, target: Path) -> None:
    """Copy a file or a folder (a Spark dataset), its modification time kept (the API compares them)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copy2(source, target)


def write_bundle(folder: Path, ranked: list[Result], servers: list[str]) -> list[Path]:
    """Fill `folder` with the bundle; the code files it ships (for requirements.txt)."""
    modules = {f"{contents.NAME}.{contents.SERVE}"}
    if "demo" in servers:
        modules |= contents.app_imports(APP)
    modules |= contents.pickled_modules([Path("models") / f"{result['model']}.joblib" for result in ranked])
    code = sorted(contents.package_files(modules, ranked[0]["task"]))
    for path in code:
        copy(path, folder / contents.NAME / path.relative_to(contents.PACKAGE))
    for path in built_files(ranked) + ([APP] if "demo" in servers else []):
        copy(path, folder / path)
    shipped_code = [folder / contents.NAME / path.relative_to(contents.PACKAGE) for path in code]
    return shipped_code + ([folder / APP] if "demo" in servers else [])


def write_platform_files(folder: Path, code: list[Path], ranked: list[Result], servers: list[str]) -> None:
    """requirements.txt, the start commands, the smoke check and what it asks."""
    (folder / "requirements.txt").write_text(requirements_txt(code, contents.NAME, servers, PYPROJECT))
    (folder / "start.sh").write_text(platforms.start_script(servers, contents.NAME))
    (folder / "Procfile").write_text(platforms.procfile(servers))
    (folder / ".python-version").write_text(platforms.python_version())
    if "demo" in servers:
        (folder / ".streamlit").mkdir()
        (folder / ".streamlit" / "config.toml").write_text(platforms.STREAMLIT)
    shutil.copy(CHECK, folder / "check.py")
    record = {"servers": servers, "models": [r["model"] for r in ranked], "probe": probe(folder, ranked[0])}
    write_json(record, folder / "check.json")


def main(metrics: list[Path], output: Path) -> None:
    """Write OUTPUT (ship/) from the scored models METRICS: the demo, the API, how platforms start them."""
    ranked = rank([read_json(path) for path in metrics])
    servers = ["demo", "api"] if APP.is_file() else ["api"]
    folder = output.with_name(f".{output.name}.tmp")
    remove_folder(folder)
    try:
        code = write_bundle(folder, ranked, servers)
        write_platform_files(folder, code, ranked, servers)
        files = sorted(path for path in folder.rglob("*") if path.is_file())
        leak = contents.leaks(files, contents.secrets(Path(".env")))
        if leak:
            raise StepError(f"not shipped: {leak.replace(str(folder), str(output))}; keep secrets in .env")
        listing = contents.listing(folder, files)
        (folder / "README.md").write_text(platforms.readme(servers, listing))
        replace_with_folder(folder, output)
    finally:
        remove_folder(folder)
    print(f"{output}/ holds {platforms.served(servers)}, as a hosting platform runs them:\n{listing}")
    for warning in contents.too_large(output, sorted(p for p in output.rglob("*") if p.is_file())):
        print(warning)
    print("Next: `make ship-check` runs it as a platform would; README.md: Put the demo online.")


if __name__ == "__main__":
    run(main)
