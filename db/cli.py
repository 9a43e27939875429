"""The operator's command line: `python -m db.cli --help`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
import uvicorn
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from db.config import get_settings
from db.demo import DEMO_TOKENS_PATH, live_demo_tokens, load_demo
from db.demo_data import DEFAULT_PIPELINE
from db.demo_world import create_account
from db.engine import Database
from db.generate import generate_deals
from db.migrate import upgrade
from db.models import Account, AccountKind, ApiToken, User, UserRole
from db.ops.activity import Recorded
from db.ops.registrations import expire_lapsed_registrations
from db.tokens import create_token, deactivate_user, revoke_token

T = TypeVar("T")

app = typer.Typer(
    help="Operate the shared-deals server: serve, migrate, seed, accounts, users and tokens.",
    no_args_is_help=True,
    add_completion=False,
)

TokensFile = Annotated[
    Path, typer.Option(help="Where demo tokens are saved when demo data is loaded.")
]


def _run(work: Callable[[Database], Awaitable[T]]) -> T:
    """Run one async job against the configured database, then close it."""

    async def main() -> T:
        database = Database(get_settings().database_url)
        try:
            return await work(database)
        finally:
            await database.dispose()

    return asyncio.run(main())


def _fail(message: str) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code=1)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print rows as aligned plain-text columns (never wrapped, so tokens copy whole)."""
    cells = [[str(value) if value is not None else "-" for value in row] for row in rows]
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]
    for line in [list(headers), ["-" * width for width in widths], *cells]:
        typer.echo("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())


def _when(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else None


@app.command()
def migrate() -> None:
    """Apply every database migration (creates the schema on a new database)."""
    upgrade(get_settings().database_url)
    typer.echo("Database is at the latest migration.")


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to bind (default: HOST setting)")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on (default: PORT setting)")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Server processes (default: WORKERS setting)")
    ] = None,
    tokens_file: TokensFile = DEMO_TOKENS_PATH,
) -> None:
    """Migrate, load demo data into an empty database (not in production), then serve."""
    settings = get_settings()
    host, port, workers = host or settings.host, port or settings.port, workers or settings.workers
    upgrade(settings.database_url)
    if not settings.production:

        async def demo(database: Database) -> list[dict[str, str]]:
            loaded = await load_demo(database=database, settings=settings, tokens_path=tokens_file)
            return loaded or await live_demo_tokens(database=database, tokens_path=tokens_file)

        tokens = _run(demo)
        if tokens:
            typer.echo("Demo users (Authorization: Bearer <token>):")
            print_table(
                ["email", "account", "role", "token"],
                [(t["email"], t["account"], t["role"], t["token"]) for t in tokens],
            )
    typer.echo(f"GraphQL API: http://{host}:{port}/graphql")
    from graph.websocket.protocol import UVICORN_WS_OPTIONS  # the app's imports: only to serve

    uvicorn.run(
        "graph.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        **UVICORN_WS_OPTIONS,  # type: ignore[arg-type]
    )


@app.command()
def seed(
    deals: Annotated[int, typer.Option(min=0, help="How many generated deals to add.")] = 0,
    tokens_file: TokensFile = DEMO_TOKENS_PATH,
) -> None:
    """Migrate, load demo data if the database is empty, then add N generated deals."""
    settings = get_settings()
    if settings.production:
        raise _fail("Refusing to seed demo or generated data in production (APP_ENV=production).")
    upgrade(settings.database_url)

    async def work(database: Database) -> int:
        loaded = await load_demo(database=database, settings=settings, tokens_path=tokens_file)
        if loaded:
            typer.echo(f"Loaded demo data; {len(loaded)} demo tokens saved to {tokens_file}")
        return await generate_deals(
            database=database, settings=settings, count=deals, tokens_path=tokens_file
        )

    typer.echo(f"Added {_run(work)} generated deals.")


@app.command("account-create")
def account_create(
    name: Annotated[str, typer.Option(help="The company's name (unique).")],
    kind: Annotated[AccountKind, typer.Option(case_sensitive=False, help="VENDOR or PARTNER.")],
) -> None:
    """Create an account with a default shared-deal pipeline and settings."""

    async def work(database: Database) -> int:
        async with database.transaction() as session:
            account, _ = await create_account(
                session=session, name=name, kind=kind.value, pipelines=(DEFAULT_PIPELINE,)
            )
            assert account.id is not None
            return account.id

    try:
        account_id = _run(work)
    except IntegrityError:
        raise _fail(f"An account named {name!r} already exists.") from None
    typer.echo(f"Created {kind.value} account {name!r} with id {account_id}.")


@app.command("user-create")
def user_create(
    email: Annotated[str, typer.Option(help="The user's e-mail (unique).")],
    name: Annotated[str, typer.Option(help="The user's display name.")],
    account_id: Annotated[int | None, typer.Option(help="The account's id.")] = None,
    account_name: Annotated[str | None, typer.Option(help="Or the account's name.")] = None,
    role: Annotated[UserRole, typer.Option(case_sensitive=False)] = UserRole.MEMBER,
) -> None:
    """Create a user in an account given by id or by name."""
    if (account_id is None) == (account_name is None):
        raise _fail("Give exactly one of --account-id and --account-name.")

    async def work(database: Database) -> int | None:
        async with database.transaction() as session:
            query = select(Account).where(
                Account.id == account_id if account_id is not None else Account.name == account_name
            )
            account = (await session.exec(query)).first()
            if account is None or account.id is None:
                return None
            user = User(account_id=account.id, email=email, name=name, role=role.value)
            session.add(user)
            await session.flush()
            return user.id

    try:
        user_id = _run(work)
    except IntegrityError:
        raise _fail(f"A user with e-mail {email!r} already exists.") from None
    if user_id is None:
        raise _fail("No such account.")
    typer.echo(f"Created {role.value} user {email} with id {user_id}.")


@app.command("user-deactivate")
def user_deactivate(
    email: Annotated[str, typer.Option(help="The user's e-mail.")],
) -> None:
    """Deactivate a user: their tokens stop working at once, over HTTP and on open WebSockets.

    With REDIS_URL set, running servers close the user's open sockets (4403) at once;
    without it, at the server's safety poll (within about 30 s).
    """

    async def work(database: Database) -> list[int] | None:
        async with database.transaction() as session:
            token_ids = await deactivate_user(session=session, email=email)
        if token_ids is not None:
            await _announce(revoked_token_ids=token_ids)
        return token_ids

    token_ids = _run(work)
    if token_ids is None:
        raise _fail(f"No active user with e-mail {email!r}.")
    typer.echo(f"Deactivated {email}; {len(token_ids)} live tokens no longer authenticate.")


@app.command("token-create")
def token_create(
    email: Annotated[str, typer.Option(help="E-mail of the user the token acts as.")],
    name: Annotated[str, typer.Option(help="A label to recognise the token by.")] = "cli",
) -> None:
    """Create an API token and print its secret (shown only this once)."""

    async def work(database: Database) -> str | None:
        async with database.transaction() as session:
            user = (await session.exec(select(User).where(User.email == email))).first()
            if user is None or user.id is None:
                return None
            return await create_token(session=session, user_id=user.id, name=name)

    secret = _run(work)
    if secret is None:
        raise _fail(f"No user with e-mail {email!r}.")
    typer.echo(secret)
    typer.echo("Store it now: it cannot be shown again.", err=True)


async def _announce(
    *,
    recorded: Sequence[Recorded] = (),
    revoked_token_ids: Sequence[int] = (),
) -> None:
    """After a commit, wake every server through Redis, as a mutation does.

    Without Redis (one embedded server, in-process pub/sub) this process cannot reach
    the server's subscribers: they notice at the server's safety poll, within ~30 s.
    """
    redis_url = get_settings().redis_url
    if not redis_url:
        return
    # graph/ imported here only, as `serve` does: the CLI announces like a mutation does.
    from graph.broker import RedisBroker
    from graph.publish import publish_recorded, publish_tokens_revoked

    broker = RedisBroker(redis_url)
    try:
        await publish_recorded(broker, recorded)
        await publish_tokens_revoked(broker, revoked_token_ids)
    finally:
        await broker.close()


@app.command("token-revoke")
def token_revoke(token_id: Annotated[int, typer.Option("--id", help="The token's id.")]) -> None:
    """Revoke a token at once (see `token-list` for ids); open WebSockets using it close too.

    With REDIS_URL set, running servers are woken through Redis and close those sockets
    (4403) at once. Without it (one embedded server, in-process pub/sub) this process cannot
    reach the server's broker: its safety poll closes them within about 30 seconds.
    """

    async def work(database: Database) -> bool:
        async with database.transaction() as session:
            revoked = await revoke_token(session=session, token_id=token_id)
        if revoked:
            await _announce(revoked_token_ids=[token_id])
        return revoked

    if not _run(work):
        raise _fail(f"No live token with id {token_id}.")
    typer.echo(f"Revoked token {token_id}.")


@app.command("token-list")
def token_list(
    email: Annotated[str | None, typer.Option(help="Only this user's tokens.")] = None,
) -> None:
    """List tokens (never their secrets): id, user, name, prefix, created, last used, revoked."""

    async def work(database: Database) -> list[tuple[object, ...]]:
        async with database.session() as session:
            query = (
                select(ApiToken, User.email)
                .join(User, col(User.id) == col(ApiToken.user_id))
                .order_by(col(ApiToken.id))
            )
            if email is not None:
                query = query.where(User.email == email)
            return [
                (token.id, user_email, token.name, token.prefix + "…", _when(token.created_at),
                 _when(token.last_used_at), _when(token.revoked_at))
                for token, user_email in (await session.exec(query)).all()
            ]  # fmt: skip

    headers = ["id", "email", "name", "prefix", "created", "last used", "revoked"]
    print_table(headers, _run(work))


@app.command("registrations-expire")
def registrations_expire() -> None:
    """Mark approvals past their expiry EXPIRED, recording activity and notifying each team.

    With REDIS_URL set, live subscribers are woken at once; else at the server's safety poll.
    """

    async def work(database: Database) -> int:
        async with database.transaction() as session:
            recorded = await expire_lapsed_registrations(session=session)
        await _announce(recorded=recorded)
        return len(recorded)

    typer.echo(f"Expired {_run(work)} registrations.")


if __name__ == "__main__":
    app()
