"""README.md says only what the command line does: its options table and every command it shows.

The table of which commands take ``--project`` and ``--lang`` is generated from the command
tree; after changing commands, rewrite it with::

    .venv/bin/python tests/cli/test_readme_claims.py --write    # or without --write: print it
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import click
import pytest

from tongcheng.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
START, END = "<!-- options-table:start -->", "<!-- options-table:end -->"
YES, OPTIONAL, NO = "✓", "○", "—"
TABLE_HEAD = ("| command 命令 | `--project DIR` | `--lang zh\\|en` |", "|---|:-:|:-:|")


def commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> dict[str, click.Command]:
    """Every runnable command of the tree by its path (``"import stats"``), depth first."""
    out: dict[str, click.Command] = {}
    for name in sorted(group.commands):
        sub = group.commands[name]
        if isinstance(sub, click.Group):
            out.update(commands(sub, (*path, name)))
        else:
            out[" ".join((*path, name))] = sub
    return out


def takes(command: click.Command, option: str) -> bool:
    return any(option in p.opts for p in command.params)


def project_mark(command: click.Command) -> str:
    """✓: ``--project`` defaults to the current folder; ○: optional, no default; —: none."""
    for param in command.params:
        if "--project" in param.opts:
            return YES if param.default is not None and Path(param.default) == Path(".") else OPTIONAL
    return NO


def marks(command: click.Command) -> tuple[str, str]:
    """The table's two marks of a command: ``--project`` and ``--lang``."""
    return project_mark(command), YES if takes(command, "--lang") else NO


def options_table() -> str:
    """The README's table, from the commands as they are."""
    rows = [f"| `tongcheng {path}` | {' | '.join(marks(cmd))} |" for path, cmd in commands().items()]
    return "\n".join([*TABLE_HEAD, *rows])


def write_table(readme: Path = README) -> None:
    """Replace the table between the README's markers by :func:`options_table`."""
    text = readme.read_text(encoding="utf-8")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    readme.write_text(f"{before}{START}\n{options_table()}\n{END}{after}", encoding="utf-8")


def readme() -> str:
    return README.read_text(encoding="utf-8")


def claimed_table() -> dict[str, tuple[str, str]]:
    text = readme()
    assert START in text and END in text, f"README.md lost its table markers {START} … {END}"
    block = text.split(START, 1)[1].split(END, 1)[0].strip().splitlines()
    assert tuple(block[:2]) == TABLE_HEAD, block[:2]
    claims = {}
    for line in block[2:]:
        found = re.fullmatch(r"\| `tongcheng ([^`]+)` \| (\S) \| (\S) \|", line.strip())
        assert found, f"README table row not understood: {line!r}"
        path, project, lang = found.groups()
        assert project in (YES, OPTIONAL, NO) and lang in (YES, NO), line
        assert path not in claims, f"{path} listed twice"
        claims[path] = (project, lang)
    return claims


def code_blocks(text: str, lang: str = "bash") -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def section(title: str) -> str:
    text = readme()
    start = text.index(title)
    end = text.find("\n## ", start + len(title))
    return text[start:] if end < 0 else text[start:end]


def check_invocation(line: str) -> None:
    """A ``tongcheng …`` line names a command and only its options, with allowed choices."""
    words = shlex.split(line, comments=True)
    assert words[0] == "tongcheng", line
    node: click.Command = cli
    words = words[1:]
    while isinstance(node, click.Group) and words and not words[0].startswith("-"):
        assert words[0] in node.commands, f"README: no command `{words[0]}` in `{line}`"
        node, words = node.commands[words[0]], words[1:]
    assert not isinstance(node, click.Group), f"README: `{line}` names a group, not a command"
    params = {o: p for p in node.params for o in p.opts}
    positional, i = 0, 0
    while i < len(words):
        word = words[i]
        if word.startswith("-"):
            assert word in params, f"README: `{line}` uses {word}, which the command lacks"
            param = params[word]
            if not getattr(param, "is_flag", False):
                i += 1
                assert i < len(words), f"README: {word} needs a value in `{line}`"
                if isinstance(param.type, click.Choice):
                    assert words[i] in param.type.choices, (
                        f"README: {word} {words[i]} is not one of {param.type.choices}")
        else:
            positional += 1
        i += 1
    arguments = [p for p in node.params if isinstance(p, click.Argument)]
    limit = sum(99 if a.nargs < 0 else a.nargs for a in arguments)  # nargs=-1: any number
    assert positional <= limit, f"README: `{line}` gives {positional} arguments, the command takes {limit}"


def test_table_lists_every_command_and_only_true_claims() -> None:
    claims = claimed_table()
    actual = {path: marks(cmd) for path, cmd in commands().items()}
    assert sorted(claims) == sorted(actual), (
        "README's table and the commands differ; regenerate it: "
        ".venv/bin/python tests/cli/test_readme_claims.py --write")
    wrong = {path: (claims[path], actual[path]) for path in actual if claims[path] != actual[path]}
    assert not wrong, f"README claims (project, lang) wrongly for {wrong}"


def test_sentence_about_lang_is_true() -> None:
    text = " ".join(readme().split())  # the README's lines wrap anywhere
    if "every command takes `--lang" in text.lower():
        assert all(takes(cmd, "--lang") for cmd in commands().values())
    else:
        assert "every command that writes something for people takes `--lang" in text


def test_table_legend_says_what_the_marks_mean() -> None:
    legend = readme().split(START, 1)[0].rstrip().rsplit("\n\n", 1)[1]
    for words in (f"{YES}", "current folder", f"{OPTIONAL}", "no default", f"{NO}"):
        assert words in legend, words


def test_every_tongcheng_line_shown_exists_with_its_options() -> None:
    text = readme()
    lines = [ln.strip() for block in code_blocks(text) for ln in block.splitlines()
             if ln.strip().startswith("tongcheng ")]
    use = [ln for ln in code_blocks(section("## Use"))[0].splitlines() if ln.startswith("tongcheng ")]
    assert len(use) >= 8, use  # the Use block: init, units, template, import, compute, index, report, export
    inline = re.findall(r"`(tongcheng [^`]+)`", text)
    assert inline, "README names commands inline"
    for line in [*lines, *inline]:
        check_invocation(line.replace("…", "X"))


def test_every_option_named_exists_somewhere() -> None:
    scripts = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "scripts").glob("*.sh"))
    known = {"--help", *(o for cmd in commands().values() for p in cmd.params for o in p.opts)}
    for option in set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", readme())):
        assert option in known or re.search(rf"(?<![\w-]){option}(?![\w-])", scripts), (
            f"README names {option}, which no command or script takes")


def test_setup_commands_exist_and_ci_runs_the_readme_test_command() -> None:
    setup = code_blocks(section("## Set up"))[0]
    run = [shlex.split(ln, comments=True) for ln in setup.splitlines() if ln.strip()]
    assert run == [["bash", "scripts/demo.sh"], ["bash", "scripts/test.sh"]]
    for _, script in run:
        assert (ROOT / script).is_file(), script
    ci = [ln for ln in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
          if ln.strip() and not ln.startswith("#") and not ln.startswith(("set ", "cd "))]
    assert ci == ["bash scripts/test.sh"], ci
    assert "CI (`.ci/run`) runs exactly `bash scripts/test.sh`" in readme()
    demo = (ROOT / "scripts" / "demo.sh").read_text(encoding="utf-8")  # `demo.sh --lang en`
    assert '.venv/bin/tongcheng demo "$@"' in demo and "bash scripts/demo.sh --lang en" in readme()
    assert takes(commands()["demo"], "--lang") and takes(commands()["demo"], "--out")


def test_test_script_does_what_the_readme_says() -> None:
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    text = readme()
    for claim in ("--keep-pg", "TONGCHENG_KEEP_PG=1", "--no-install-recommends"):
        assert claim in text and claim in script, claim
    installs = [ln for ln in script.splitlines() if "apt-get install" in ln]
    assert installs and all("--no-install-recommends" in ln for ln in installs)
    assert "trap stop_our_pg EXIT" in script
    assert not re.search(r"^\s*exec\b", script, flags=re.M), "exec would skip the EXIT trap"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_only_a_server_the_script_started_is_stopped(tmp_path: Path) -> None:
    """start_postgres.sh says whether it started or reused a server; stop_postgres.sh stops it."""
    if not list(Path("/usr/lib/postgresql").glob("*/bin/postgres")) or not shutil.which("bash"):
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries not found", pytrace=False)
        pytest.skip("PostgreSQL server binaries not found")
    port, state = _free_port(), tmp_path / "state"
    env = {**os.environ, "TONGCHENG_PG_PORT": str(port), "TONGCHENG_PG_STATE": str(state)}
    env.pop("TONGCHENG_PG_DIR", None)
    start = ["bash", str(ROOT / "scripts" / "start_postgres.sh")]
    try:
        url = subprocess.run(start, env=env, capture_output=True, text=True, check=True).stdout
        assert url.strip().endswith(f"127.0.0.1:{port}/tongcheng_test")
        how, got_port, data = state.read_text().split()
        assert (how, int(got_port)) == ("started", port) and Path(data, "PG_VERSION").is_file()
        subprocess.run(start, env=env, capture_output=True, text=True, check=True)
        assert state.read_text().split()[0] == "reused" and _answers(port)
    finally:
        subprocess.run(["bash", str(ROOT / "scripts" / "stop_postgres.sh")], env=env,
                       capture_output=True, text=True, check=False)
    assert not _answers(port) and not Path(data).exists()


def test_linked_files_exist() -> None:
    links = re.findall(r"\]\(([^)#]+)\)", readme())
    assert "docs/cli.md" in links
    for link in links:
        if "://" not in link:
            assert (ROOT / link).exists(), link


if __name__ == "__main__":  # print (or with --write, rewrite) the README's table
    if "--write" in sys.argv[1:]:
        write_table()
    else:
        print(options_table())
    sys.exit(0)
