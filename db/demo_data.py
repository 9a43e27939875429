"""The content of the demo data: accounts, people, pipelines, products and call texts."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import AccountKind, UserRole


@dataclass(frozen=True, slots=True)
class StageSpec:
    """A pipeline stage: name, win probability (percent), closed or open."""

    name: str
    probability: int
    is_closed: bool = False


@dataclass(frozen=True, slots=True)
class PipelineSpec:
    """A pipeline and its stages in order (closed stages last)."""

    name: str
    stages: tuple[StageSpec, ...]


@dataclass(frozen=True, slots=True)
class UserSpec:
    """A demo person; the e-mail is `local@<account domain>`."""

    name: str
    local: str
    role: UserRole
    is_active: bool = True


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """A demo account with its people and pipelines; the first pipeline takes shared deals."""

    name: str
    kind: AccountKind
    domain: str
    users: tuple[UserSpec, ...]
    pipelines: tuple[PipelineSpec, ...]


CLOSED = (StageSpec("Closed won", 100, True), StageSpec("Closed lost", 0, True))

# Stages of the default pipeline made for accounts created by an operator.
DEFAULT_PIPELINE = PipelineSpec(
    "Shared deals",
    (
        StageSpec("Qualification", 10),
        StageSpec("Discovery", 25),
        StageSpec("Proposal", 50),
        StageSpec("Negotiation", 75),
        *CLOSED,
    ),
)

VENDOR = AccountSpec(
    name="SpokeHub",
    kind=AccountKind.VENDOR,
    domain="spokehub.example",
    users=(
        UserSpec("Aiko Tanaka", "aiko.tanaka", UserRole.ADMIN),
        UserSpec("Marcus Reed", "marcus.reed", UserRole.MEMBER),
        UserSpec("Priya Nair", "priya.nair", UserRole.MEMBER),
        UserSpec("Daniel Okafor", "daniel.okafor", UserRole.ADMIN),
        UserSpec("Sven Lindqvist", "sven.lindqvist", UserRole.MEMBER, is_active=False),
    ),
    pipelines=(
        PipelineSpec(
            "Partner co-sell",
            (
                StageSpec("Appointment scheduled", 20),
                StageSpec("Qualified to buy", 40),
                StageSpec("Presentation scheduled", 60),
                StageSpec("Decision maker bought-in", 80),
                StageSpec("Contract sent", 90),
                *CLOSED,
            ),
        ),
        PipelineSpec(
            "Direct sales",
            (
                StageSpec("New", 10),
                StageSpec("Discovery", 30),
                StageSpec("Proposal", 60),
                StageSpec("Negotiation", 80),
                *CLOSED,
            ),
        ),
    ),
)

PARTNERS = (
    AccountSpec(
        name="Brightlane Digital",
        kind=AccountKind.PARTNER,
        domain="brightlane.example",
        users=(
            UserSpec("Olivia Chen", "olivia.chen", UserRole.ADMIN),
            UserSpec("Tom Becker", "tom.becker", UserRole.MEMBER),
            UserSpec("Sara Haddad", "sara.haddad", UserRole.MEMBER),
        ),
        pipelines=(
            PipelineSpec(
                "Agency new business",
                (
                    StageSpec("Lead", 10),
                    StageSpec("Discovery call", 25),
                    StageSpec("Scoping", 45),
                    StageSpec("Proposal sent", 65),
                    StageSpec("Verbal yes", 85),
                    *CLOSED,
                ),
            ),
            PipelineSpec(
                "Retainer renewals",
                (StageSpec("Renewal due", 50), StageSpec("Renewal proposed", 75), *CLOSED),
            ),
        ),
    ),
    AccountSpec(
        name="Kumo Growth Partners",
        kind=AccountKind.PARTNER,
        domain="kumo-growth.example",
        users=(
            UserSpec("Kenji Sato", "kenji.sato", UserRole.ADMIN),
            UserSpec("Yui Nakamura", "yui.nakamura", UserRole.MEMBER),
            UserSpec("Lucas Martin", "lucas.martin", UserRole.MEMBER),
        ),
        pipelines=(
            PipelineSpec(
                "SpokeHub co-sell",
                (
                    StageSpec("Referred", 15),
                    StageSpec("Qualified", 35),
                    StageSpec("Solution design", 60),
                    StageSpec("Commit", 85),
                    *CLOSED,
                ),
            ),
            PipelineSpec(
                "Agency services",
                (StageSpec("Inquiry", 10), StageSpec("Proposal", 50), *CLOSED),
            ),
        ),
    ),
)

HUBS = ("Marketing Hub", "Sales Hub", "Service Hub", "Content Hub", "Operations Hub")
TIERS = ("Starter", "Professional", "Enterprise")

COMPANIES = (
    "Acorn Logistics", "Bluefin Analytics", "Cedar & Pine Furniture", "Daybreak Health",
    "Ember Coffee Roasters", "Fjord Outdoor", "Granite Insurance", "Harbor Freight Lines",
    "Iris Optics", "Juniper Learning", "Kestrel Aviation", "Lumen Solar", "Maple Ridge Dental",
    "Nimbus Cloudworks", "Orchid Hotels", "Pioneer Robotics", "Quill Publishing",
    "Redwood Legal", "Sakura Cosmetics", "Tidewater Marine", "Upland Farms", "Vela Fintech",
    "Willow Pet Care", "Xenon Labs", "Yamato Precision", "Zephyr Bikes", "Atlas Staffing",
    "Beacon Property", "Copperleaf Bakery", "Driftwood Travel", "Evergreen Clinics",
    "Falcon Security", "Golden Gate Apparel", "Helix Biotech", "Indigo Architects",
    "Jade Garden Restaurants", "Keystone Manufacturing", "Lighthouse Media", "Meridian Energy",
    "Northstar Academy", "Oakline Realty", "Prism Events", "Quantum Payroll", "Riverstone Wealth",
    "Summit Fitness", "Trellis Home Goods", "Unity Nonprofit Network", "Vantage Auto Group",
    "Wavecrest Telecom", "Yellowstone Outfitters",
)  # fmt: skip

FIRST_NAMES = (
    "Emma", "Noah", "Hana", "Liam", "Mei", "Lucas", "Sofia", "Ethan", "Amara", "Jonas",
    "Chloe", "Ravi", "Isabel", "Mateo", "Nora", "Felix", "Aisha", "Oscar", "Leah", "Haruto",
)  # fmt: skip
LAST_NAMES = (
    "Walker", "Kim", "Moreau", "Suzuki", "Garcia", "Novak", "Patel", "Jensen", "Rossi",
    "Ito", "Brown", "Silva", "Fischer", "Dubois", "Yamada", "Khan", "Murphy", "Larsen",
)  # fmt: skip
JOB_TITLES = (
    "VP of Marketing", "Head of Sales Operations", "CTO", "Customer Success Director",
    "Marketing Operations Manager", "CFO", "Head of Growth", "IT Director", "COO",
    "Director of Revenue Operations",
)  # fmt: skip
DEAL_SUFFIXES = (
    "CRM migration", "inbound marketing rollout", "sales team onboarding",
    "service desk consolidation", "website relaunch", "RevOps automation",
    "multi-region expansion", "lead scoring project", "customer portal",
)  # fmt: skip

CALL_TITLES = (
    "Discovery call", "Technical deep dive", "Pricing walkthrough", "Executive alignment",
    "Implementation planning", "Security review",
)  # fmt: skip

OVERVIEWS = (
    "{contact} walked us through how {company} runs its funnel today. The team is outgrowing "
    "spreadsheets and a legacy CRM, and wants {product} live before the next quarter.",
    "{company} is evaluating {product} against two competitors. {contact} is the champion "
    "and wants a clear migration plan and partner support for the first 90 days.",
    "Follow-up with {contact} at {company} on scope and pricing for {product}. Budget is "
    "approved in principle; procurement needs a security questionnaire and a final quote.",
    "{contact} shared that {company} lost several renewals to slow support response. "
    "{product} with shared inboxes and SLAs is the preferred option.",
)
KEY_TAKEAWAYS = (
    "Budget is approved for this fiscal year.",
    "The champion has executive sponsorship from the COO.",
    "They want a phased rollout, marketing first, then sales.",
    "Current CRM contract ends in four months.",
    "Partner implementation services are a must-have.",
    "Reporting across regions is the main pain point.",
    "They prefer annual billing with a multi-year discount.",
    "The sales team of 40 reps would onboard at once.",
)
DEAL_RISKS = (
    "A competitor offered a 30% first-year discount.",
    "Procurement cycle may slip past quarter end.",
    "Data migration from the legacy CRM is larger than expected.",
    "The IT director has not been engaged yet.",
    "Budget owner is changing roles next month.",
    "Legal review of the data processing agreement is pending.",
)
TECH_STACK = (
    "Salesforce (legacy)", "Google Workspace", "Microsoft 365", "Slack", "Zendesk",
    "Shopify", "WordPress", "Snowflake", "Stripe", "NetSuite", "Zoom", "Intercom",
)  # fmt: skip
CHALLENGES_AND_GOALS = (
    "Grow qualified pipeline by 25% this year.",
    "Shorten the sales cycle from 90 to 60 days.",
    "Give leadership one view of revenue across regions.",
    "Cut first-response time for support tickets in half.",
    "Replace manual lead routing with automation.",
    "Launch the new website in three languages.",
)
NEXT_STEPS = (
    "Send the tailored proposal by Friday.",
    "Book a technical session with the IT director.",
    "Partner to share the implementation timeline.",
    "Share two customer references in the same industry.",
    "Run a pilot with the inbound marketing team.",
    "Confirm the final user count with procurement.",
)
