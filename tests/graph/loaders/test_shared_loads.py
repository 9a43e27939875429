"""A load two fields wait for is not cancelled for one because graphql-core cancelled the
other: an object whose non-null field fails stops its pending fields, and the response
must still complete with the errors (it used to end in a CancelledError)."""

from __future__ import annotations

from db.models import AccountKind, ActivityKind

# Both deals fail (their non-null connections refuse the arguments), so graphql-core cancels
# each one's pending fields, which wait on loads the other deal shares.
QUERY = """
{
  viewer {
    notifications(first: 5) {
      nodes {
        activity {
          deal {
            productsOfInterest { tier }
            callSummaries(after: "") { pageInfo { hasNextPage } nodes { overview } }
            activities(first: 5, last: 5) { totalCount }
          }
        }
        deal {
          vendorAccount { kind }
          callSummaries(after: "", last: -1) { totalCount }
          activities(first: -1, last: 5) { nodes { kind deal { contactEmail } } }
        }
      }
    }
  }
}
"""


async def test_one_field_cancelled_does_not_cancel_a_shared_load(gql, factory):
    # given: a notification about a deal with a shared call summary
    partner = await factory.org(AccountKind.PARTNER)
    vendor = await factory.org(AccountKind.VENDOR)
    me = await factory.person(partner)
    rep = await factory.person(vendor)
    deal = await factory.deal(partner, vendor, team=[me, rep])
    await factory.call_summary(deal, rep, shared=True)
    await factory.activity(deal, rep, ActivityKind.AMOUNT_CHANGED)
    # when
    body = await gql(QUERY, me.token)
    # then: both objects are null with their errors; nothing else went wrong
    assert body["_status"] == 200
    (node,) = body["data"]["viewer"]["notifications"]["nodes"]
    assert node["activity"]["deal"] is None
    assert node["deal"] is None
    assert body["errors"]
    assert {error["extensions"]["code"] for error in body["errors"]} == {"BAD_USER_INPUT"}
