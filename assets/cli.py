"""`newsevents`: the project's command line. `newsevents run` is what `make run` calls; `sql`,
`explain` and `status` read the warehouse it builds."""

import argparse
import os
import sys
from pathlib import Path

import duckdb

from warehouse.explain import explain_event, explain_mention
from warehouse.query import FORMATS, WarehouseMissing, format_result, run_query

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    try:
        return _command(_parser().parse_args(argv))
    except BrokenPipeError:  # `newsevents sql … | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _command(args: argparse.Namespace) -> int:
    if args.command == "run":
        from assets.commands import run_everything  # Dagster loads in ~3 s; `sql` does not need it

        return run_everything(every_file=args.all)
    if args.command == "status":
        from assets.commands import print_status

        return print_status()
    try:
        if args.command == "sql":
            return sql(args)
        return explain(args)
    except WarehouseMissing as error:
        print(f"newsevents: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsevents", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="bring every asset up to date with the seeds folder, in one Dagster run")
    run.add_argument("--all", action="store_true", help="process every seed file again, not only new and changed ones")
    commands.add_parser("status", help="seed files, partitions, last materializations, rows and rejected files")
    query = commands.add_parser("sql", help="run SQL on a read-only connection to news.duckdb and print the result")
    query.add_argument("query", nargs="?", help='the SQL, e.g. "SELECT * FROM event_timeline"')
    query.add_argument("-f", "--file", type=Path, help="read the SQL from a file (e.g. warehouse/queries/*.sql)")
    query.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                       help="a value for $NAME in the SQL (repeatable)")  # fmt: skip
    output = query.add_mutually_exclusive_group()
    output.add_argument("--csv", dest="output", action="store_const", const="csv", help="print CSV")
    output.add_argument("--json", dest="output", action="store_const", const="json", help="print a JSON array")
    query.set_defaults(output=FORMATS[0])
    trace = commands.add_parser("explain", help="where an event (or a mention) was read from, highlighted")
    trace.add_argument("event_id", nargs="?", help="an events.event_id")
    trace.add_argument("--mention", metavar="MENTION_ID", help="explain an entity_mentions.mention_id instead")
    return parser


def sql(args: argparse.Namespace) -> int:
    """Print one query's result; a bad query is a one-line error and exit status 1."""
    if (args.query is None) == (args.file is None):
        print("newsevents sql: give either a query or --file", file=sys.stderr)
        return 2
    text = args.file.read_text(encoding="utf-8") if args.file else args.query
    params = dict(param.split("=", 1) for param in args.param if "=" in param)
    if len(params) != len(args.param):
        print("newsevents sql: --param takes NAME=VALUE", file=sys.stderr)
        return 2
    try:
        result = run_query(warehouse_dir(), text, params)
    except duckdb.Error as error:
        print(f"newsevents sql: {str(error).strip()}", file=sys.stderr)
        return 1
    sys.stdout.write(format_result(result, args.output))
    return 0


def explain(args: argparse.Namespace) -> int:
    """Print an event's or a mention's lineage; an unknown id is exit status 1."""
    if (args.event_id is None) == (args.mention is None):
        print("newsevents explain: give either an EVENT_ID or --mention MENTION_ID", file=sys.stderr)
        return 2
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    try:
        if args.mention:
            report = explain_mention(warehouse_dir(), args.mention, colour, seeds_dir())
        else:
            report = explain_event(warehouse_dir(), args.event_id, colour, seeds_dir())
    except KeyError as error:
        print(f"newsevents explain: {error.args[0]}", file=sys.stderr)
        return 1
    sys.stdout.write(report)
    return 0


def warehouse_dir() -> Path:
    """$WAREHOUSE_DIR, else the project's warehouse/ (as `make run` builds it)."""
    return _folder("WAREHOUSE_DIR", "warehouse")


def seeds_dir() -> Path:
    return _folder("SEEDS_DIR", "seeds")


def _folder(variable: str, default: str) -> Path:
    value = os.environ.get(variable)
    return Path(value).resolve() if value else PROJECT_ROOT / default


if __name__ == "__main__":
    sys.exit(main())
