"""GraphiQL in development: local assets, a strict CSP, demo users' tokens prefilled."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from sqlmodel import select

from db.config import Settings
from db.models import AccountKind, ApiToken, UserRole
from db.tokens import revoke_token
from graph.app import create_app
from graph.ide.page import CONTENT_SECURITY_POLICY, STATIC_DIR
from graph.relay import to_global_id

BROWSER = {"Accept": "text/html,application/xhtml+xml"}


def _config(page: str) -> dict:
    match = re.search(r'<script id="ide-config" type="application/json">(.*?)</script>', page)
    assert match, "the page carries its configuration as JSON"
    return json.loads(match.group(1))


@pytest.fixture
async def demo(factory, tmp_path, app):
    """Two demo users with live tokens saved where the IDE looks for them."""
    vendor = await factory.org(AccountKind.VENDOR, name="SpokeHub")
    partner = await factory.org(AccountKind.PARTNER, name="Brightlane")
    aiko = await factory.person(vendor, role=UserRole.ADMIN, name="Aiko Tanaka")
    olivia = await factory.person(partner, name="Olivia Chen")
    deal = await factory.deal(partner, vendor, team=[aiko, olivia])
    path = tmp_path / "demo-tokens.json"
    path.write_text(
        json.dumps(
            [
                {
                    "email": person.user.email,
                    "name": person.user.name,
                    "account": account,
                    "accountKind": kind,
                    "role": person.user.role.value,
                    "token": person.token,
                }
                for person, account, kind in [
                    (aiko, "SpokeHub", "VENDOR"),
                    (olivia, "Brightlane", "PARTNER"),
                ]
            ]
        )
    )
    app.state.graph.demo_tokens_path = path
    return {"aiko": aiko, "olivia": olivia, "deal": deal, "path": path}


async def test_browser_gets_graphiql_under_a_strict_csp(client):
    # when
    response = await client.get("/graphql", headers=BROWSER)
    # then
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    scripts = re.findall(r"<script([^>]*)>", response.text)
    assert scripts
    for attributes in scripts:
        # every script is a file from this server, or inert JSON data
        assert 'src="static/' in attributes or 'type="application/json"' in attributes
    assert "https://" not in response.text


async def test_every_asset_the_page_names_is_served_by_the_app(client):
    page = (await client.get("/graphql", headers=BROWSER)).text
    assets = re.findall(r'(?:src|href)="(static/[^"]+)"', page)
    assert len(assets) == 7
    for asset in assets:
        response = await client.get(f"/{asset}", headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, asset
        assert len(response.content) > 100, asset


def test_vendored_assets_ship_with_their_licences():
    vendor = STATIC_DIR / "vendor"
    for name in ("react", "react-dom", "graphiql", "graphql-ws"):
        assert "Permission is hereby granted" in (vendor / f"LICENSE.{name}").read_text()
    bundled = (vendor / "THIRD-PARTY-LICENSES.txt").read_text()
    assert "codemirror@" in bundled
    assert "graphql@" in bundled


async def test_first_demo_user_is_prefilled_and_the_others_listed(client, demo):
    # when
    page = (await client.get("/graphql", headers=BROWSER)).text
    # then
    config = _config(page)
    bearer = f"Bearer {demo['aiko'].token}"
    assert config["authorization"] == bearer
    assert all(json.loads(tab["headers"]) == {"Authorization": bearer} for tab in config["tabs"])
    assert "Aiko Tanaka" in page
    assert "Olivia Chen" in page
    assert demo["olivia"].token not in page


async def test_choosing_another_demo_user_switches_header_and_variables(client, demo):
    # when
    email = demo["olivia"].user.email
    page = (await client.get("/graphql", params={"as": email}, headers=BROWSER)).text
    # then
    config = _config(page)
    assert config["authorization"] == f"Bearer {demo['olivia'].token}"
    card = next(tab for tab in config["tabs"] if "query SharedDealCard" in tab["query"])
    deal_id = json.loads(card["variables"])["dealId"]
    assert deal_id.startswith("RGVhbDo")  # base64 of "Deal:"
    assert demo["aiko"].token not in page


async def test_revoked_demo_tokens_are_not_offered(client, demo, database):
    # given Aiko's token was revoked
    async with database.transaction() as session:
        token_ids = (
            await session.exec(select(ApiToken.id).where(ApiToken.user_id == demo["aiko"].id))
        ).all()
        for token_id in token_ids:
            await revoke_token(session=session, token_id=token_id)
    # when
    page = (await client.get("/graphql", headers=BROWSER)).text
    # then
    assert "Aiko Tanaka" not in page
    assert _config(page)["authorization"] == f"Bearer {demo['olivia'].token}"


async def test_production_never_shows_demo_tokens_even_with_graphiql_on(
    database, database_url, demo
):
    # given GraphiQL switched on in production
    settings = Settings(database_url=database_url, app_env="production", graphiql=True)
    app = create_app(settings, database)
    app.state.graph.demo_tokens_path = demo["path"]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        # when
        page = (await client.get("/graphql", headers=BROWSER)).text
    # then
    assert demo["aiko"].token not in page
    assert demo["olivia"].token not in page
    assert _config(page)["authorization"] is None
    assert "Bearer &lt;your API token&gt;" not in page  # the hint is in JSON, not markup
    assert "your API token" in page


async def test_production_serves_no_page_and_no_assets(database, database_url):
    app = create_app(Settings(database_url=database_url, app_env="production"), database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        page = await client.get("/graphql", headers=BROWSER)
        asset = await client.get("/static/vendor/graphiql.min.js")
    assert "graphiql" not in page.text.lower()
    assert asset.status_code == 404


async def test_other_users_examples_act_on_a_deal_the_first_user_follows(client, demo, factory):
    # given Olivia also has a deal without Aiko, with a shared call summary
    partner = await factory.org(AccountKind.PARTNER)
    vendor = await factory.org(AccountKind.VENDOR)
    rep = await factory.person(vendor)
    other = await factory.deal(partner, vendor, team=[demo["olivia"], rep])
    await factory.call_summary(other, rep, shared=True)
    # when Olivia's page is built
    email = demo["olivia"].user.email
    page = (await client.get("/graphql", params={"as": email}, headers=BROWSER)).text
    # then her team and products examples act on the deal Aiko (the default page) follows
    team = next(tab for tab in _config(page)["tabs"] if "mutation EditDealTeam" in tab["query"])
    assert json.loads(team["variables"])["dealId"] == to_global_id("Deal", demo["deal"].id)
