"""Build resources/eval/cases/long-platform-migration/draft.md: a ~20,000-word migration plan whose planted
flaws sit in its middle (issue #14: a long draft tests whether critics read past the first pages).

Why generated: sixty service sections in one consistent voice are what a real platform-migration plan looks
like, and writing them by hand would bury the eight hand-written flawed sections (services 27-36, near the
middle) in noise of uneven quality. The framing sections and the flawed service sections are written out
below; the other services are assembled from sentence banks with a fixed seed, so the draft is the same on
every run. Every generated section is careful on purpose (owner, rollback, tested restore): a critic that
flags them is adding noise. Edit, rebuild, then `doccritic eval --validate`.

    python bench/make_eval_long.py
"""

# ruff: noqa: E501 - the draft's prose, one sentence per line

from __future__ import annotations

import random
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "resources" / "eval" / "cases" / "long-platform-migration" / "draft.md"

SERVICES = [
    ("catalog-images", "resizes and serves product photos for the storefront and the partner feeds"),
    ("order-history", "answers 'where is my order' for customers and support agents"),
    ("price-rules", "evaluates promotion and tiered-pricing rules at checkout"),
    ("cart", "keeps shopping carts across devices for signed-in and guest customers"),
    ("reviews", "collects, moderates and serves product reviews"),
    ("recommendations-api", "serves the 'customers also bought' rails from precomputed tables"),
    ("feature-flags", "evaluates feature flags for the web and mobile clients"),
    ("tax-quotes", "calls the tax provider and caches quotes per basket"),
    ("shipping-rates", "quotes carrier rates and delivery dates"),
    ("returns", "runs the returns flow, labels and refunds requests"),
    ("store-locator", "finds pickup points and store opening hours"),
    ("gift-cards", "issues, redeems and reports on gift cards"),
    ("wishlist", "stores customers' saved items and back-in-stock alerts"),
    ("seller-onboarding", "verifies and onboards marketplace sellers"),
    ("seller-payouts-report", "builds the monthly payout statements sellers download"),
    ("inventory-sync", "mirrors warehouse stock levels into the storefront"),
    ("warehouse-events", "receives pick, pack and ship events from the three warehouses"),
    ("fraud-signals", "scores orders with device and velocity signals before payment"),
    ("customer-profile", "holds addresses, preferences and communication settings"),
    ("consent-records", "stores marketing and cookie consent choices"),
    ("content-pages", "serves editorial and campaign pages from the CMS"),
    ("sitemap-builder", "regenerates sitemaps and the product feed for search engines"),
    ("email-templates", "renders transactional email templates"),
    ("loyalty-points", "accrues and redeems loyalty points"),
    ("coupon-codes", "validates single-use and campaign coupon codes"),
    ("support-widget", "embeds the help widget and routes chats to agents"),
]
LATE_SERVICES = [
    ("analytics-collector", "receives clickstream events from the web and apps"),
    ("experiment-assignments", "assigns users to A/B test variants"),
    ("image-moderation", "checks seller-uploaded images against the content policy"),
    ("size-guide", "serves size charts and fit advice per brand"),
    ("currency-rates", "fetches and caches exchange rates for price display"),
    ("address-validation", "checks and completes postal addresses"),
    ("b2b-quotes", "builds quotes and purchase orders for business customers"),
    ("invoice-pdf", "renders invoices and credit notes as PDF"),
    ("subscription-boxes", "schedules and bills recurring subscription boxes"),
    ("delivery-tracking", "pulls carrier tracking events and notifies customers"),
    ("returns-inspection", "records warehouse inspections of returned items"),
    ("supplier-portal", "lets suppliers upload catalogues and see forecasts"),
    ("demand-forecast-api", "serves the weekly demand forecast to buyers"),
    ("price-monitor", "tracks competitor prices for the pricing team"),
    ("marketing-audiences", "builds customer segments for campaigns"),
    ("push-gateway", "sends mobile push notifications through the platform providers"),
    ("sms-gateway", "sends SMS through two carriers with failover"),
    ("chat-archive", "stores support chat transcripts for agents"),
    ("knowledge-base", "serves help-centre articles and search"),
    ("newsletter-signup", "handles newsletter sign-ups and their double opt-in"),
    ("admin-console", "gives operations staff their internal tools"),
    ("report-scheduler", "runs and emails scheduled business reports"),
    ("data-export", "exports customer data on request under privacy law"),
    ("partner-webhooks", "delivers order events to partner systems"),
    ("label-printing", "prints shipping labels at the warehouses' packing stations"),
    ("bundle-builder", "assembles product bundles and their prices"),
    ("store-orders", "takes click-and-collect orders for the physical stores"),
]
TEAMS = ["Storefront", "Checkout", "Fulfilment", "Marketplace", "Growth", "Customer Care", "Data Platform",
         "Identity & Access", "Finance Systems", "Mobile", "Search & Discovery", "Trust & Safety"]
STORES = ["PostgreSQL", "MySQL", "Redis", "Cassandra", "object storage", "Elasticsearch", "no data store of its own"]
LANGS = ["Java 17 on Tomcat", "Go 1.21", "Node.js 18", "Python 3.10 with gunicorn", "Kotlin on Ktor", "Ruby 3.1"]

PURPOSE_OPEN = ["{name} {does}.", "The {name} service {does}.", "{name} is the service that {does}."]
STACK = [
    "It runs {lang} on {vms} virtual machines in the old data centre, behind the shared load balancer.",
    "Today it is {vms} instances of {lang}, deployed by the old release tool once or twice a week.",
    "The service is written in {lang} and runs on {vms} hosts that the team patches by hand every quarter.",
]
TRAFFIC = [
    "At peak it handles about {rps:,} requests a second with a p99 latency of {p99} ms; the quiet hours are a tenth of that.",
    "Peak traffic is {rps:,} requests a second on sale days and {low:,} on an ordinary weekday; p99 latency is {p99} ms.",
    "It serves roughly {rps:,} requests a second at the evening peak, and its p99 latency target is {p99} ms.",
]
DATA = [
    "Its state lives in {store} ({size} GB), which moves with it: the team will replicate into Harbor's managed {store} and switch reads before writes.",
    "It keeps {size} GB in {store}; Harbor's managed {store} takes a live replica two weeks before the move, and the team compares row counts and checksums daily until cutover.",
    "Data: {store}, {size} GB. The replica in Harbor is built from the nightly backup and then kept in step from the change log, so the old store stays the source of truth until the final switch.",
]
NO_DATA = "It keeps no state of its own: everything it returns comes from its upstream services, so the move is a routing change."
DEPENDS = [
    "It calls {a} and {b}, both of which move in an earlier wave, so its calls stay inside Harbor after the move.",
    "Upstream it depends on {a}; downstream, {b} calls it. The team has agreed the order with both owners.",
    "It reads from {a} and publishes events that {b} consumes; the event schema does not change in the move.",
]
STEPS = [
    "The move follows the standard runbook: build the Harbor deployment, mirror {pct}% of read traffic for a week, compare responses, then shift traffic in steps of 1%, 10%, 50% and 100% over {days} days.",
    "Steps: deploy to Harbor alongside the old hosts, send {pct}% of traffic through the Harbor router for two days, review error rates and latency with the platform team, then shift the rest over {days} days.",
    "The team shadows production traffic into Harbor for a week, fixes any difference in responses, and then moves traffic in four steps over {days} days, pausing a day after each step.",
]
ROLLBACK = [
    "Rollback is a router weight change back to the old hosts, which stay running for {keep} days after the move; the team rehearsed it in staging on {date}.",
    "If error rates rise above the service's objective, the on-call engineer moves the router weight back; the old deployment is kept warm for {keep} days, and writes made during the move are replayed from the change log. Rehearsed on {date}.",
    "The old hosts stay in service, scaled down but running, for {keep} days. Moving traffic back takes one command and was last rehearsed on {date}; the restore of the data store from Harbor's backups was tested the same week.",
]
OWNER = [
    "Owner: {team}. Wave {wave}. On-call during the move: the team's usual rotation, with a platform engineer paired for the first {days} days.",
    "Owned by {team}; moves in wave {wave}. The team has booked the move in its sprint plan and named a second engineer for the weekend after cutover.",
    "{team} owns it and moves it in wave {wave}. The platform team reviews the Harbor configuration before the first traffic step.",
]
RISKS = [
    "Known risk: {risk}. The mitigation is in the runbook and was reviewed with the platform team.",
    "The team's main worry is {risk}; they will watch it on the move dashboard and stop the traffic shift if it appears.",
    "Risk noted by the team: {risk}. They have a test for it in the pre-move checklist.",
]
RISK_TEXT = ["connection-pool limits on the managed database during the first traffic step",
             "cold caches making the first hour slower than usual", "a client library that pins the old hostname",
             "clock skew between the old hosts and Harbor affecting token expiry checks",
             "a cron job on one of the old hosts that nobody has documented", "higher egress cost while traffic is split",
             "log volume doubling while both deployments run", "a health check that passes before the cache is warm"]
TESTING = [
    "Before the first traffic step the team runs its integration suite against the Harbor deployment, replays a day of recorded production requests, and load-tests it at {load}x the last sale day's peak.",
    "The pre-move checklist covers the service's dashboards and alerts in Harbor, a load test at {load}x peak, a failover between Harbor's two regions, and a restore of yesterday's backup into a scratch database.",
    "Testing: the team's contract tests run against both deployments in the pipeline for the two weeks before the move, and a load test at {load}x peak is signed off by the platform team.",
]
USERS = [
    "Callers see no change: the service keeps its internal name in the router, and its API, timeouts and error codes stay the same.",
    "Nothing changes for the services that call it; the router resolves its name to whichever deployment carries the traffic. Its dashboards move to Harbor's observability stack, and the old ones stay readable for ninety days.",
    "For its users the move is invisible. For the team, deployments move to the Harbor pipeline, and the old release tool's jobs for this service are switched off once the old hosts are gone.",
]
CAPACITY = [
    "In Harbor it gets {pods} instances per region with autoscaling up to {maxpods}, sized from the last twelve months of traffic including the November sale; the platform team reviews the sizing again a month after the move, when real figures are in.",
    "Capacity: {pods} instances in each region, scaling to {maxpods} on CPU, which covers the highest hour of the past year with a third to spare. The team will check the figure against the first month of Harbor metrics and adjust it.",
    "The Harbor deployment starts at {pods} instances per region and may scale to {maxpods}; the numbers come from a load test at last year's sale-day peak plus the growth the team forecasts for this year, and are written into its configuration for review.",
]
DATES = ["17 February", "24 March", "19 May", "21 July"]


def _capital(sentence: str) -> str:
    return sentence if sentence.startswith("`") else sentence[0].upper() + sentence[1:]


def generated_section(n: int, name: str, does: str, rng: random.Random, others: list[str]) -> str:
    store = rng.choice(STORES)
    a, b = rng.sample(others, 2)
    fields = {"name": f"`{name}`", "does": does, "lang": rng.choice(LANGS), "vms": rng.randint(3, 24),
              "rps": rng.randint(20, 600) * 10, "low": rng.randint(5, 60) * 10, "p99": rng.choice([80, 120, 150, 200, 250, 300]),
              "store": store, "size": rng.randint(2, 900), "a": f"`{a}`", "b": f"`{b}`", "pct": rng.choice([1, 5, 10]),
              "days": rng.randint(3, 10), "keep": rng.choice([14, 21, 30]),
              "team": rng.choice(TEAMS), "wave": rng.randint(1, 4), "risk": rng.choice(RISK_TEXT),
              "load": rng.choice([2, 3]), "pods": rng.randint(2, 12)}
    fields["date"] = DATES[fields["wave"] - 1]  # rehearsed in the weeks before its wave starts
    fields["maxpods"] = fields["pods"] * rng.choice([3, 4, 5])
    paragraphs = [
        _capital(rng.choice(PURPOSE_OPEN).format(**fields)) + " " + rng.choice(STACK).format(**fields),
        rng.choice(TRAFFIC).format(**fields) + " " + (NO_DATA if store == STORES[-1] else rng.choice(DATA).format(**fields)),
        rng.choice(DEPENDS).format(**fields) + " " + rng.choice(STEPS).format(**fields),
        rng.choice(TESTING).format(**fields) + " " + rng.choice(USERS),
        rng.choice(ROLLBACK).format(**fields) + " " + rng.choice(RISKS).format(**fields),
        rng.choice(CAPACITY).format(**fields) + " " + rng.choice(OWNER).format(**fields),
    ]
    return f"### {n}. {name}\n\n" + "\n\n".join(paragraphs) + "\n"


FLAWED: dict[int, str] = {
    27: """### 27. ledger

`ledger` records every money movement (payments, refunds, payouts, gift-card redemptions) as double-entry journal lines, and it is the system Finance closes the month from. It runs Java 17 on twelve hosts and stores 4.1 TB in a PostgreSQL cluster with two replicas and nightly snapshots kept for ninety days.

Peak load is 2,300 writes a second at the end of a sale day. The ledger moves in wave 3, after payments, so that every writer already runs in Harbor when it switches. The team replicates the cluster into Harbor's managed PostgreSQL using logical replication, reconciles balances per account every night for two weeks, and then switches writes during the Sunday maintenance window.

After the ledger's last write reaches Harbor, the old ledger cluster and its nightly snapshots will be decommissioned the same day to free the storage licences.

Owner: Finance Systems. Wave 3. Finance has asked to be told the date of the switch a month ahead so that it does not fall in a close week.
""",
    28: """### 28. search

`search` answers every storefront search and category page: about two thirds of page views start with it. It runs on a 14-node Elasticsearch cluster fed by the catalogue indexer.

Search traffic will not exceed last year's peak of 3,800 queries a second, so the Harbor search pool is sized at 4,000 queries a second and the old cluster is shut down at the end of wave 2.

The move follows the standard runbook: a Harbor cluster is built from a snapshot, the indexer writes to both clusters for a week, and queries shift in four steps. Rollback is a router weight change while both clusters are fed.

Owner: Search & Discovery. Wave 2.
""",
    29: """### 29. notifications

`notifications` sends order confirmations, shipping updates and password resets by email, push and SMS: about 40 million messages on an ordinary day and three times that on a sale day. It is a queue of workers in Python with a PostgreSQL table of templates and send history.

Because the two pilot services moved without an incident, we expect the notifications service, which sends 40 million messages a day, to move the same way.

The team will move the workers in one step on a Tuesday morning, when volume is lowest, and keep the old workers stopped but deployable for a week.

Owner: Growth. Wave 2.
""",
    30: """### 30. public-api

`public-api` is the REST API our 340 partners and marketplace sellers integrate with. Harbor serves it under a new hostname, api.example.com, from the start of wave 1; partners were emailed in January and asked to switch.

The public API's old hostname, api-legacy.example.com, will be removed from DNS at the end of wave 3; partners who have not switched by then will get errors.

So far 190 of the 340 partners have switched. The partner team sends a reminder every month.

Owner: Marketplace. Waves 1 to 3.
""",
    31: """### 31. identity

`identity` signs customers in and issues the tokens every other service checks. It runs Go on six hosts with a MySQL user store and a Redis session cache. Access tokens live fifteen minutes; refresh tokens are valid for 30 days.

Harbor gets a new identity deployment with its own signing keys. Session tokens issued by the old identity service will be honoured by Harbor for the first week after the switch, after which the old signing keys are retired.

The user store replicates into Harbor's managed MySQL and is switched in the usual four steps; rollback is a router change for the first week.

Owner: Identity & Access. Wave 2.
""",
    32: """### 32. payments

`payments` talks to our three payment providers, stores payment intents and makes sure a customer is never charged twice for one order. It runs Kotlin on ten hosts.

Payments moves in wave 2 with the other stateless services. Its idempotency keys stay in the old Redis in the data centre during the move, which is fine because retries after the cutover are rare.

The team will shift traffic in steps of 1%, 10%, 50% and 100% over four days and keep the old deployment warm for thirty days.

Owner: Checkout. Wave 2.
""",
    33: """### 33. audit-log

`audit-log` keeps the record of who changed what in orders, prices, refunds and user permissions. Finance and Security query it for investigations and for the yearly audit. It holds six years of events in Cassandra, about 38 TB.

Audit events older than 13 months will not be migrated; they stay in the old Cassandra cluster, which is shut down with the rest of the data centre in wave 4.

New events are written to Harbor's managed Cassandra from the start of wave 1, so investigations of recent activity are not affected.

Owner: Trust & Safety. Wave 1 to 4.

With the plans for the services above settled, all owning teams have confirmed their wave dates, so the schedule in the timeline below is final and the data-centre exit date of 30 September can be given to the landlord.
""",
}

INTRO = """# Harbor migration plan: moving sixty services out of the Dunmore data centre

Author: Lena Okafor, Platform Engineering. Reviewers: the owning teams' leads, Finance Systems, Security, Procurement. Status: for decision at the architecture review on 6 February.

## Summary

Our lease on the Dunmore data centre ends on 31 October. We propose to move all sixty production services to Harbor, the internal platform on the public cloud that Platform Engineering has run since last spring, in four waves between March and September, and to give the landlord notice for a 30 September exit. The plan below sets out the platform, the approach every service follows, the plan for each service, the timeline and the cost.

Two services (`status-page` and `translations`) moved to Harbor last autumn as pilots. Both ran there through the holiday peak without an incident.

The move saves about $2.6M a year in hosting from next year, and it ends the hand-patching of 700 hosts that costs the owning teams about a fifth of their on-call time.

## Context

Dunmore hosts 700 virtual machines on hardware between four and nine years old. Three of the nine storage arrays are out of vendor support. The lease cannot be extended beyond 31 October: the building has been sold.

Harbor gives teams managed databases, a service router with traffic weights, a deployment pipeline and a shared observability stack. Nineteen internal tools already run on it. Its on-call rotation is staffed by Platform Engineering around the clock.

Three things from outside this plan matter to it. The catalogue expansion in the second quarter doubles the number of listed products and, on the merchandising team's forecast, roughly doubles search traffic on the storefront. Finance must keep audit records of price changes, refunds and permission changes for seven years, under the retention policy the auditors reviewed last year. And as of this week, fifty-one of the sixty owning teams have confirmed their wave dates; the other nine have not yet replied.

## Goals and non-goals

Goals: every production service runs on Harbor by 30 September; no customer-visible outage longer than the services' current objectives allow; no data lost in the move; the owning teams keep ownership of their services and their on-call.

Non-goals: rewriting services, changing their APIs (except hostnames, where stated), or changing data models. A team that wants to modernise a service does it after the move, not during it.

## The platform

Harbor runs in two cloud regions, with each service deployed in both and traffic split by the service router. Managed PostgreSQL, MySQL, Redis, Cassandra and Elasticsearch are provided by the platform team with backups every hour, kept for thirty-five days, and restore tests every week. Object storage is replicated across the regions.

The service router supports traffic weights per service, mirroring of requests to a second deployment, and instant rollback by weight. Every service gets dashboards for traffic, errors, latency and saturation, and an alert on its objective, generated from its Harbor configuration.

Deployments go through the Harbor pipeline: build, test, deploy to staging, automatic checks, then production in two steps. A deployment can be rolled back from the pipeline in under two minutes.

## The approach every service follows

Each service follows the same runbook, adapted by its team:

1. Build the Harbor deployment and its configuration, reviewed by the platform team.
2. Replicate the service's data store into Harbor's managed equivalent, and compare counts and checksums daily.
3. Mirror a share of production reads to Harbor and compare responses.
4. Shift traffic in steps (1%, 10%, 50%, 100%), pausing after each step to review errors and latency.
5. Keep the old deployment running, scaled down, for at least two weeks after the last step, so rollback is a router change.
6. Rehearse the rollback in staging before the first traffic step, and test a restore of the data store from Harbor's backups.

Waves group services by dependency: wave 1 moves services nothing else depends on; wave 2 the stateless services and the identity and payment paths; wave 3 the services that hold money or stock; wave 4 the rest, and the exit from Dunmore.

A move is paused, not pushed through, when a service misses its objective during a traffic step. Pauses are decided by the owning team's lead and reported at the weekly migration meeting.

## Service-by-service plan

Each service's section says what it does, what it runs on, its traffic and data, how it moves, how it rolls back, who owns it and in which wave. Services are listed in the order their plans were written.

"""

OUTRO = """
## Timeline

Wave 1 (March): the services nothing else depends on, and the new public API hostname. Wave 2 (April to May): stateless services, identity, payments, search and notifications. Wave 3 (June to July): ledger, inventory, orders. Wave 4 (August to September): everything left, then Dunmore is emptied and handed back on 30 September.

Each wave ends with a review at the weekly migration meeting; the next wave starts only when the previous one has held its objectives for two weeks.

## Cost

Harbor's cost for the sixty services is estimated at $3.1M a year at today's traffic, against $5.7M a year for Dunmore (lease, power, hardware support and the contractors who patch hosts). During the move we pay for both: about $1.9M extra this year. Egress while traffic is split is included in that figure.

The estimate uses each service's current traffic. Services whose traffic grows pay for it on Harbor as they would have on new hardware in Dunmore.

## Staffing

Platform Engineering pairs one engineer with each owning team for the weeks of its move. Owning teams estimate between two and six engineer-weeks per service; the total, about 210 engineer-weeks, is in the teams' plans for the first three quarters.

## Decision requested

Approve the four-wave plan, the 30 September exit date to be given to the landlord, and the additional $1.9M for this year's double running.
"""


def build(out: Path = OUT) -> str:
    rng = random.Random(14)
    names = [n for n, _ in SERVICES + LATE_SERVICES] + ["ledger", "search", "notifications", "public-api",
                                                        "identity", "payments", "audit-log"]
    parts, generated = [INTRO], iter(SERVICES + LATE_SERVICES)
    for n in range(1, 61):
        if n in FLAWED:
            parts.append(FLAWED[n])
            continue
        name, does = next(generated)
        parts.append(generated_section(n, name, does, rng, [x for x in names if x != name]))
    parts.append(OUTRO)
    text = "\n".join(parts)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return text


if __name__ == "__main__":
    text = build()
    print(OUT, len(text.split()), "words")
