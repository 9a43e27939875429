"""The GraphQL operations the benchmark sends."""

from __future__ import annotations

DEALS_HOME = """
query DealsHome($first: Int) {
  deals(first: $first) {
    edges {
      cursor
      node {
        id
        name
        amount
        currency
        closeDate
        stage { id name }
        team { members { addedAt user { id name } account { id name } } }
        productsOfInterest { id name }
        activeDealRegistrations
        callSummaries(first: 1) { nodes { overview } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

DEAL_CARD = """
query DealCard($id: ID!) {
  deal(id: $id) {
    id name amount currency closeDate version
    companyName companyDomain contactName contactEmail introNote createdAt updatedAt
    pipeline { id name stages { id name position probability isClosed } }
    stage { id name position probability isClosed }
    partnerAccount { id name kind }
    vendorAccount { id name kind }
    productsOfInterest { id name hub tier }
    activeDealRegistrations
    registrations {
      id status submittedAt decidedAt expiresAt rejectionReason isActive
      submittedBy { id name } decidedBy { id name } account { id name }
    }
    team {
      members {
        addedAt
        user { id name email role }
        account { id name kind }
        addedBy { id name }
      }
    }
    callSummaries(first: 5) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        cursor
        node {
          id overview keyTakeaways dealRisks techStack businessChallengesAndGoals nextSteps
          contactsInvolved { name jobTitle email }
          createdAt sharedAt isShared
          sharedBy { id name }
          call { id title occurredAt durationSeconds }
        }
      }
    }
    activities(shared: true, first: 10) {
      totalCount
      edges { cursor node { id kind visibility occurredAt details actor { id name } } }
    }
  }
}
"""

DEAL_TEAM_UPDATE = """
mutation DealTeamUpdate($input: DealTeamUpdateInput!) {
  dealTeamUpdate(input: $input) {
    userErrors { field message code }
    deal { id version }
    team { members { addedAt user { id name } account { id name } } }
  }
}
"""
