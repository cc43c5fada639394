//! The generator's vocabulary: enough variety that pages differ the way a
//! real handbook's do (titles, sentences, headings), in plain words so that
//! every anchor scheme (GitHub, mdBook, Zola, Hugo) gives the same id.

pub(super) const VERBS: &[&str] = &[
    "Own", "Delegate", "Protect", "Run", "Write", "Coach", "Review", "Measure", "Simplify", "Explain", "Escalate",
    "Celebrate", "Question", "Clarify", "Document", "Prioritise", "Plan", "Share", "Retire", "Budget for", "Sponsor",
    "Align on", "Unblock", "Defend", "Calibrate", "Forecast", "Negotiate", "Invite", "Reward", "Shape", "Revisit",
    "Pace", "Split", "Automate", "Rotate", "Narrate", "Repair", "Audit", "Stabilise", "Rethink", "Price", "Trim",
];

pub(super) const OBJECTS: &[&str] = &[
    "the roadmap", "decisions", "focus time", "postmortems", "design docs", "one to ones", "review norms",
    "team health", "technical debt", "incident response", "on call load", "career ladders", "feedback",
    "hiring loops", "the budget", "dependencies", "cross team work", "release trains", "quarterly goals",
    "architecture reviews", "meeting load", "onboarding", "the backlog", "service ownership", "engineering metrics",
    "scope", "risk", "status updates", "interviews", "promotions", "tradeoffs", "standards", "experiments",
    "the operating rhythm", "team charters", "skip level meetings", "handoffs", "written context", "error budgets",
    "working agreements", "estimates", "deadlines", "conflict", "recognition", "team topology", "vendor choices",
    "security reviews", "launch reviews", "open questions", "customer escalations", "ownership gaps", "reorgs",
    "the team wiki", "learning budgets", "capacity planning", "pricing changes", "support load", "churn",
];

pub(super) const QUALIFIERS: &[&str] = &[
    "early", "in the open", "with data", "as a team", "across time zones", "before it hurts", "every quarter",
    "without heroics", "under pressure", "for new managers", "in small steps", "at scale", "for remote teams",
    "in writing", "with your peers", "during a reorg", "on a deadline", "after an incident", "in a hiring freeze",
    "for senior engineers", "with product", "with finance", "in the first ninety days", "on purpose", "by default",
    "out loud", "one level up", "two levels down", "when growing fast", "with sales", "with support",
];

pub(super) const PART_NAMES: &[&str] = &[
    "Foundations", "Delivery", "People", "Strategy", "Operations", "Communication", "Hiring", "Growth", "Quality",
    "Culture", "Planning", "Incidents", "Architecture", "Feedback", "Careers", "Execution", "Collaboration",
    "Decision making", "Onboarding", "Team health", "Stakeholders", "Metrics", "Security", "Reliability", "Budgets",
    "Remote work", "Change", "Mentoring", "Product partnership", "Customers",
];

pub(super) const PART_FACETS: &[&str] =
    &["at scale", "for new managers", "in practice", "under pressure", "across teams", "for directors", "in startups"];

pub(super) const H2: &[&str] = &[
    "Why it matters", "What good looks like", "How to practise it", "Common traps", "Signals to watch",
    "When to bend the rule", "Working with your team", "Working with your manager", "Examples from the field",
    "Getting started", "Checklist", "Tools and rituals", "Measuring progress", "Talking about it", "Tradeoffs",
    "In a crisis", "At scale", "For new managers", "How it goes wrong", "What to try next", "Questions to ask",
    "The first conversation", "Keeping it going", "Handing it over", "The business case", "What customers see",
];

pub(super) const H3: &[&str] = &[
    "In one to ones", "In planning", "In reviews", "With peers", "With stakeholders", "With new hires",
    "During incidents", "In writing", "In meetings", "First week", "First quarter", "Red flags", "Green flags",
    "A short script", "What to say", "What to avoid", "Small teams", "Large teams", "Remote teams", "Follow up",
    "When you inherit a team", "When the team is new", "Before the deadline", "After the launch",
    "With product managers", "With designers", "With senior engineers", "With your director", "With finance",
];

pub(super) const ROLES: &[&str] = &[
    "the team", "your manager", "a new engineer", "the tech lead", "product", "the staff engineer",
    "your skip level", "the engineer on call", "a peer manager", "the director", "a senior engineer", "design",
    "the people partner", "a new manager", "the whole group", "finance", "the sales lead",
];

pub(super) const ARTIFACTS: &[&str] = &[
    "the roadmap", "a design doc", "the incident review", "the hiring plan", "the quarterly plan",
    "the team charter", "a decision record", "the on call rota", "the release checklist", "the board",
    "the promotion case", "the weekly update", "the risk register", "the onboarding guide", "the team wiki",
    "the service catalogue", "the business case",
];

pub(super) const OUTCOMES: &[&str] = &[
    "trust", "predictable delivery", "fewer surprises", "faster decisions", "a calmer on call", "clear ownership",
    "better hiring", "higher quality", "shared context", "a sustainable pace", "honest estimates",
    "engineers who grow", "less rework", "credible commitments", "stakeholders who stop escalating",
    "revenue that holds", "customers who stay",
];

pub(super) const TIMES: &[&str] = &[
    "every week", "at the start of each quarter", "before the planning meeting", "within two days",
    "after every incident", "in the first ninety days", "once a month", "at the end of the cycle",
    "before you commit", "the same day", "at every handoff", "twice a year",
];

pub(super) const ACTIONS: &[&str] = &[
    "write down the decision", "ask for the reasoning", "name a single owner", "share the context early",
    "say no to the extra scope", "block time on the calendar", "close the loop", "invite dissent",
    "make the tradeoff explicit", "check in privately", "state the goal first", "ask what is blocking",
    "agree on a deadline", "publish the notes", "give the feedback the same day", "name the risk out loud",
    "hand over the meeting", "cut the scope, not the quality", "protect the maker time", "escalate with options",
    "put a number on it", "ask who pays for the delay",
];

pub(super) const ANTI: &[&str] = &[
    "deciding in a hallway", "rewriting their work overnight", "promising a date you have not checked",
    "waiting for the annual review", "hiding the bad news", "adding a meeting", "doing it yourself",
    "blaming the previous team", "asking for status twice a day", "skipping the retro", "overriding the owner",
    "copying another team", "measuring output instead of outcome",
];

pub(super) const CODE: &[&str] = &[
    "docs/decisions/", "#eng-leads", "CODEOWNERS", "oncall.yaml", "RFC-0042", "make check", "P1", "OKR-3",
    "team-charter.md", "git log --since=90.days", "status: at-risk", "owner:", "SEV-2", "/retro", "roadmap.md",
];

pub(super) const PEOPLE: &[&str] = &[
    "amara.okafor", "ben.schulz", "chen.wei", "dana.ruiz", "elif.demir", "farid.haddad", "grace.kim",
    "hugo.martin", "ines.costa", "jonas.berg", "kavya.iyer", "liam.walsh", "maya.cohen", "noor.rahman",
    "oskar.lind", "priya.nair", "rosa.alvarez", "sam.taylor", "tomas.novak", "uma.patel", "wen.li", "zoe.adams",
];

pub(super) const TAGS: &[&str] = &[
    "planning", "communication", "people", "delivery", "hiring", "incidents", "feedback", "strategy", "quality",
    "careers", "meetings", "writing", "metrics", "onboarding", "culture", "architecture", "remote", "budget",
    "reliability", "stakeholders", "decisions", "growth", "security", "process", "customers",
];

/// (id, name, description)
pub(super) const TEAMS: &[(&str, &str, &str)] = &[
    ("payments", "Payments", "Card processing, payouts and the ledger."),
    ("search", "Search", "Query understanding, ranking and the index pipeline."),
    ("platform", "Platform", "Build, deploy and runtime for every service."),
    ("mobile", "Mobile", "The iOS and Android apps and their release train."),
    ("identity", "Identity", "Sign in, accounts, permissions and audit."),
    ("data", "Data", "The warehouse, event pipeline and reporting."),
    ("growth", "Growth", "Onboarding funnels, experiments and lifecycle email."),
    ("infra", "Infrastructure", "Networks, clusters, storage and cost."),
    ("support-tools", "Support tools", "The tools our support team lives in."),
    ("security", "Security", "Threat modelling, reviews and response."),
];

/// `{a}` action, `{t}` time, `{o}` outcome, `{r}` role, `{R}` role
/// capitalised, `{f}` artifact, `{p}` topic, `{n}` anti-pattern, `{c}` code.
pub(super) const SENTENCES: &[&str] = &[
    "Good managers {a} {t}, because it buys {o}.",
    "When {r} asks about {f}, {a} before you answer.",
    "If you skip this, {r} fills the gap with guesses, and guesses are expensive.",
    "The point of {p} is {o}, not ceremony.",
    "Most teams already know this; the hard part is doing it {t}.",
    "{R} should never learn about a change to {f} from a status page.",
    "Start small: {a} and see what changes {t}.",
    "We have seen teams lose a quarter because nobody would {a}.",
    "Treat {f} as a living document rather than a contract.",
    "A useful test is whether {r} could explain {p} without you in the room.",
    "You will be tempted to fix it yourself; resist, and {a} instead.",
    "Write it down, share it {t}, and ask what is missing.",
    "Nobody remembers the meeting; everybody remembers {f}.",
    "It is fine to be wrong, as long as you {a} quickly.",
    "Expect pushback the first time, and expect {o} the third time.",
    "The cost is a few hours {t}; the payoff is {o}.",
    "Ask {r} what would make {p} easier, then act on one answer.",
    "Silence is not agreement, so {a}.",
    "When in doubt, choose {o} over speed.",
    "Managers who do this well rarely talk about it; they simply {a} {t}.",
    "Notice how often {r} has to ask twice; that number is your signal.",
    "The failure mode is {n}, and it usually starts with good intentions.",
    "Pair this with {f} so the reasoning survives the next reorg.",
    "None of this works if {r} cannot say no without a cost.",
    "Keep the notes in {c} so anyone can find them later.",
    "A small habit, repeated {t}, beats a big initiative announced once.",
    "If {f} is out of date, treat that as a bug and fix it {t}.",
    "Your job is not to have the answer; it is to make sure {r} can find it.",
    "Be explicit about who decides, who is consulted and who is told.",
    "Resist {n}; it feels efficient and costs you {o}.",
    "Most of the value comes from the first conversation, so {a}.",
    "The best signal that {p} is working is {o}.",
    "Tie every request back to {f}, or question why it exists.",
    "It takes about a quarter before {r} trusts the new habit.",
    "When the stakes are high, {a} and slow down the rest.",
    "Tag the thread with {c} so the follow up does not get lost.",
    "If the same issue shows up twice, it belongs in {f}.",
    "Ask what {p} is worth to a customer before you ask what it costs.",
];

pub(super) const TIPS: &[&str] = &[
    "Put a recurring reminder on your calendar; habits beat intentions.",
    "If you only do one thing from this chapter, {a}.",
    "Share this chapter with {r} and ask which part feels hardest.",
    "Use {c} as the single place where this lives.",
];

pub(super) const FOOTNOTES: &[&str] = &[
    "From the engineering survey of spring 2025, which asked every team the same twelve questions.",
    "Adapted from a talk given at the internal leadership offsite.",
    "The numbers come from two years of incident reviews across all product teams.",
    "We borrowed the idea from the support organisation, where it has worked for years.",
    "First written down after a painful launch; the details are in the postmortem archive.",
];

pub(super) const SITUATIONS: &[&str] = &[
    "A deadline moves", "Two teams want the same engineer", "An incident repeats", "A senior engineer disengages",
    "Scope grows mid cycle", "A stakeholder escalates", "A hire is not working out", "The plan slips again",
    "A new manager joins", "A decision gets reopened", "On call pages every night", "Feedback lands badly",
];
