"""Every command documents itself, and the README's command table names every command."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from loabroadcast.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
README_VI = (ROOT / "README.vi.md").read_text(encoding="utf-8")
HEAVY = ("pydub", "gtts", "apscheduler", "sqlalchemy")


def _walk(command: click.Command, path: tuple[str, ...], ctx: click.Context):
    yield path, command
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, f"`loa {' '.join((*path, name))}` is listed but cannot load"
            yield from _walk(sub, (*path, name), click.Context(sub, parent=ctx, info_name=name))


ALL = dict(_walk(cli, (), click.Context(cli, info_name="loa")))
PATHS = sorted(p for p in ALL if p)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_walk_finds_every_command():
    assert {p[0] for p in PATHS} == set(COMMANDS)
    for expected in [("msg", "approve"), ("dict", "add"), ("zone", "test"), ("cache", "prune")]:
        assert expected in ALL


@pytest.mark.parametrize("path", [(), *PATHS], ids=lambda p: " ".join(p) or "loa")
def test_every_command_has_help(path, tmp_path):
    runner = CliRunner(mix_stderr=False)
    result = runner.invoke(cli, [*path, "--help"], env={"LOA_HOME": str(tmp_path)}, prog_name="loa")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith(f"Usage: {' '.join(('loa', *path))} ")
    description = ALL[path].help
    assert description and description.strip()
    first = description.strip().split("\n\n")[0].replace("\b\n", "")
    assert _flat(first) in _flat(result.stdout)
    # helping never touches the station folder
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_readme_names_every_command(path):
    """In the command table a row reads `loa msg approve …`, `msg reject …`: the group's
    siblings are named without the leading ``loa``."""
    name = " ".join(path)
    assert re.search(rf"`(loa )?{re.escape(name)}[ `]", README), f"README lacks `loa {name}`"


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_the_vietnamese_readme_shows_every_command_with_an_example(path):
    """README.vi.md, for the officer, names each command in full (`loa msg approve`) and
    shows it typed, in code, with its arguments: the two READMEs keep in step."""
    name = " ".join(path)
    assert re.search(rf"`loa {re.escape(name)}[ `]", README_VI), f"README.vi.md lacks `loa {name}`"
    if not isinstance(ALL[path], click.Group):
        examples = re.findall(rf"`(loa {re.escape(name)}(?: [^`]+)?)`", README_VI)
        assert examples, f"README.vi.md has no example of `loa {name}`"


def test_the_readmes_link_each_other():
    assert "(README.vi.md)" in README
    assert "(README.md)" in README_VI


def test_vietnamese_readme_examples_are_real_commands():
    code = "\n".join(
        re.findall(r"`[^`\n]+`", README_VI) + re.findall(r"```sh\n(.*?)```", README_VI, re.S)
    )
    # a command starts a line or a code span ("cụm loa số 1" in a comment is Vietnamese)
    words = set(re.findall(r"(?m)(?:^|`)loa ([a-z][\w-]*)", code))
    assert words <= set(COMMANDS), sorted(words - set(COMMANDS))
    for line in re.findall(r"`(loa [^`]+)`", README_VI):
        words = re.sub(r"^loa (--lang \w+ |--debug )*", "", line).split()
        if words in ([], ["…"]):  # `loa --debug …`: the global options alone
            continue
        path, command = _resolve(words[:2])
        assert path, line
        known = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
        if isinstance(command, click.Group):
            continue
        shown = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", line)) - {"--help", "--lang"}
        assert shown <= known | {"--debug"}, (line, sorted(shown - known))


def test_readme_examples_are_real_commands():
    """Every `loa WORD …` the README shows (in code) starts with a real command."""
    code = "\n".join(
        re.findall(r"`[^`\n]+`", README) + re.findall(r"```sh\n(.*?)```", README, re.S)
    )
    words = set(re.findall(r"\bloa ([a-z][\w-]*)", code))
    assert words, "no `loa COMMAND` found in the README"
    assert words <= set(COMMANDS), sorted(words - set(COMMANDS))


def _resolve(words: list[str]) -> tuple[tuple[str, ...], click.Command]:
    """The longest command path at the start of ``words``, and its command."""
    path: tuple[str, ...] = ()
    while len(path) < len(words) and (*path, words[len(path)]) in ALL:
        path = (*path, words[len(path)])
    return path, ALL[path]


def _table_rows() -> list[list[str]]:
    """The backticked commands of each row of the README's command table."""
    table = README.split("### Commands", 1)[1].split("\n## ", 1)[0]
    cells = [row.split(" | ")[0] for row in table.splitlines() if row.startswith("| `")]
    return [re.findall(r"`([^`]+)`", cell) for cell in cells]


def test_readme_options_exist():
    """Every --option the command table shows is an option of that command."""
    checked = set()
    for row in _table_rows():
        group: tuple[str, ...] = ()
        for shown in row:
            words = shown.split()
            words = words[1:] if words[0] == "loa" else words
            path, command = _resolve(words)
            if not path or (isinstance(command, click.Group) and group):
                path, command = _resolve([*group, *words])
            assert path and not isinstance(command, click.Group), shown
            known = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
            shown_options = set(re.findall(r"--[a-z][a-z-]*", shown))
            assert shown_options <= known, (shown, sorted(shown_options - known))
            checked.add(path)
            group = path[:1]
    assert checked == {p for p, c in ALL.items() if p and not isinstance(c, click.Group)}


def test_top_help_lists_every_command_with_its_one_line_help():
    result = CliRunner(mix_stderr=False).invoke(cli, ["--help"])
    assert result.exit_code == 0
    listed = result.stdout.split("Commands:", 1)[1]
    names = [line.split()[0] for line in listed.splitlines() if line.startswith("  ")]
    assert names == sorted(COMMANDS)
    for name, (_, _, one_line) in COMMANDS.items():
        assert re.search(rf"^  {re.escape(name)} +{re.escape(one_line)}$", listed, re.M), name


def _imported_heavy(argv: list[str], env: dict[str, str] | None = None) -> tuple[str, list]:
    """Run ``loa ARGV`` in a fresh interpreter: its output, and which heavy modules it loaded."""
    code = (
        "import sys\n"
        "from loabroadcast.cli import cli\n"
        "try:\n"
        f"    cli({argv!r}, prog_name='loa')\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        f"print('\\n' + __import__('json').dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=env,
    )
    output, _, last = done.stdout.rstrip("\n").rpartition("\n")
    return output, json.loads(last)


def test_top_help_imports_no_heavy_module():
    output, heavy = _imported_heavy(["--help"])
    assert "Commands:" in output
    assert heavy == []


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["msg", "list"], "Họp tổ"),
        (["schedule", "--date", "2026-03-10"], "10/03/2026  sang"),
        (["schedule", "--date", "2026-03-10", "--json"], '"timezone": "Asia/Ho_Chi_Minh"'),
    ],
)
def test_listings_on_sqlite_start_without_sqlalchemy(tmp_path, argv, shown):
    """The reads an officer waits on open the SQLite file with the standard library."""
    import os

    from loabroadcast.config import load_settings
    from loabroadcast.services import MessageDraft, Station, init_station

    settings = load_settings(tmp_path / "home", env={})
    init_station(settings)
    station = Station.open(settings)
    station.add_block("K1", "Khối 1")
    station.add_slot("sang", "06:00", "06:30")
    draft = MessageDraft(title="Họp tổ", text="Họp tổ dân phố.", blocks=["K1"], slots=["sang"])
    station.add_message(draft)
    station.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env["LOA_HOME"] = str(settings.home)  # the SQLite default
    output, heavy = _imported_heavy(argv, env)
    assert shown in output
    assert heavy == []
