"""Analysis-ready tables: one row per project, agreement, event, post held or trade figure.

Researchers want AidData-style tables in pandas, R or Stata, not SPARQL. Each table is one
SPARQL query in `queries/NAME.rq` (the only place that names ontology terms, so a change of
terms is one edit there) returning long rows — row, column key, the claim's triple and its
source — which this module folds into one row per thing. Values come from claims (asserted,
sourced facts), never from the inferred graph. A property on which sources disagree (the one
definition of a dispute, `kg.report.disputes`) keeps every source-backed value once, joined
with " | ", and names the column in the row's `disputed` column with which source gives
which value in `disputed_values`: a table never picks one for the reader.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg.data.namespaces import PREFIXES, PRKG, Namespaces
from kg.report.disputes import disputed_facts
from kg.report.export import claims_csv, english_labels, entities_csv
from kg.store import Store, Term

SEP = " | "
QUERIES = Path(__file__).resolve().parent / "queries"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_PREFIX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())


@dataclass(frozen=True)
class Column:
    """One column: which column key of the query it reads, and how it shows a value.

    kind: label (entity -> English label, literal -> its text), iri, class (local names of
    prkg classes), amount / currency (of a money or quantity node), flow (loan, grant, …:
    the ?flow the query gives the property), year (first four digits of a date).
    """

    name: str
    key: str
    kind: str
    description: str
    unit: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    keyed: bool = False  # rows are (entity, ?k) pairs (posts), not entities


def _c(name: str, key: str, kind: str, description: str, unit: str = "") -> Column:
    return Column(name, key, kind, description, unit)


_AMOUNT = "Amount as a number (a range as min–max), as the source states it."
_CURRENCY = "ISO 4217 currency code or unit of the amount (prkg:currency or prkg:unit)."

TABLES: tuple[Table, ...] = (
    Table(
        "projects",
        "Cooperation projects (prkg:Project) and everything financed or built with the help "
        "of a partner, or carrying a loan or grant amount: one row each.",
        (
            _c("type", "type", "class", "Asserted prkg classes of the row."),
            _c("sector", "sector", "label", "What it concerns (prkg:concerns, prkg:commodity)."),
            _c(
                "financier",
                "financier",
                "label",
                "Who financed or assisted it "
                "(prkg:financedBy, prkg:builtWithAssistanceOf, a contribution's contributor).",
            ),
            _c("financier_iri", "financier", "iri", "IRIs of the financiers."),
            _c("recipient", "recipient", "label", "Recipient (prkg:recipient)."),
            _c(
                "partners",
                "partners",
                "label",
                "Parties or participants (prkg:party, "
                "prkg:participant): who took part in the agreement or event.",
            ),
            _c("partners_iri", "partners", "iri", "IRIs of the partners."),
            _c(
                "flow_type",
                "money",
                "flow",
                "loan (prkg:loanAmount), grant "
                "(prkg:grantAmount), contribution (a prkg:FinancialContribution); empty for a "
                "cost (prkg:cost). credit, investment and barter are not yet ontology terms.",
            ),
            _c("amount", "money", "amount", _AMOUNT),
            _c("currency", "money", "currency", _CURRENCY),
            _c("cost", "cost", "amount", "Cost or estimated cost (prkg:cost): not a flow."),
            _c("cost_currency", "cost", "currency", _CURRENCY),
            _c(
                "year",
                "commitment",
                "year",
                "Year of the commitment date, else of the start.",
                "year",
            ),
            _c(
                "commitment",
                "commitment",
                "label",
                "Date of the commitment (prkg:date of it or of the event that signs it).",
            ),
            _c("start", "start", "label", "Start (prkg:startDate, prkg:constructionStartDate)."),
            _c(
                "completion",
                "completion",
                "label",
                "Completion (prkg:endDate, prkg:operationalSince).",
            ),
            _c("status", "status", "label", "Life-cycle status (prkg:status), per its source."),
        ),
    ),
    Table(
        "agreements",
        "Agreements, memoranda, protocols and contracts (prkg:Agreement): one row each.",
        (
            _c("type", "type", "class", "Asserted prkg classes of the agreement."),
            _c("date", "date", "label", "Date signed (prkg:date of it or of its signing)."),
            _c("place", "place", "label", "Where (prkg:place of it or of its signing)."),
            _c("parties", "parties", "label", "Parties (prkg:party)."),
            _c("parties_iri", "parties", "iri", "IRIs of the parties."),
            _c("signatories", "signatories", "label", "Signatories (prkg:signatory)."),
            _c("signatories_iri", "signatories", "iri", "IRIs of the signatories."),
            _c("witnesses", "witnesses", "label", "Witnesses (prkg:witness)."),
            _c("concerns", "concerns", "label", "What it concerns (prkg:concerns, commodity)."),
            _c("flow_type", "money", "flow", "loan or grant, when it carries an amount."),
            _c("amount", "money", "amount", _AMOUNT),
            _c("currency", "money", "currency", _CURRENCY),
            _c("status", "status", "label", "Life-cycle status (prkg:status)."),
            _c("project", "project", "label", "Project it belongs to (prkg:partOfProject)."),
        ),
    ),
    Table(
        "events",
        "Meetings, visits, signings, commission sessions and other events: one row each.",
        (
            _c("type", "type", "class", "Asserted prkg classes of the event."),
            _c("date", "date", "label", "Date (prkg:date)."),
            _c("start", "start", "label", "Start date (prkg:startDate)."),
            _c("end", "end", "label", "End date (prkg:endDate)."),
            _c("place", "place", "label", "Where (prkg:place)."),
            _c("host_country", "host_country", "label", "Host country (prkg:hostCountry)."),
            _c("participants", "participants", "label", "Participants (prkg:participant)."),
            _c("participants_iri", "participants", "iri", "IRIs of the participants."),
            _c("theme", "theme", "label", "What it concerns (prkg:concerns, commodity)."),
            _c("part_of", "part_of", "label", "Larger event (prkg:partOfEvent)."),
            _c("session_of", "session_of", "label", "Body of the session (prkg:sessionOf)."),
            _c("signs", "signs", "label", "Agreements it signs (prkg:signs)."),
        ),
    ),
    Table(
        "posts",
        "Posts held by people (prkg:holdsPost): one row per person and post.",
        (
            _c("post", "", "key_label", "English label of the post."),
            _c("post_iri", "", "key_iri", "Post IRI; key into entities.csv."),
            _c("organisation", "organisation", "label", "Organisation of the post (postIn)."),
            _c("organisation_iri", "organisation", "iri", "Its IRI."),
            _c("from", "from", "label", "Start of the post (prkg:startDate), when sourced."),
            _c("to", "to", "label", "End of the post (prkg:endDate), when sourced."),
            _c("as_of", "as_of", "label", "Dates at which sources saw it held (prkg:asOf)."),
        ),
        keyed=True,
    ),
    Table(
        "trade",
        "Trade figures (prkg:TradeFigure): one row per figure.",
        (
            _c("period", "period", "label",
               "Period covered (prkg:refPeriod, an OWL-Time interval): the source's name for it."),
            _c("flow", "flow", "label",
               "Direction (prkg:tradeFlow) from the reporter's side: exports, imports, total."),
            _c("value", "money", "amount", "Value (prkg:tradeValue) as a number."),
            _c("unit_or_currency", "money", "currency", _CURRENCY),
            _c("reporter", "reporter", "label",
               "State from whose side the flow is given (prkg:reporter)."),
            _c("partners", "partners", "label", "Partner state (prkg:partner)."),
            _c("commodity", "commodity", "label", "Commodity (prkg:commodity), if one."),
            _c("reported_by", "reported_by", "label", "Who stated it (prkg:reportedBy)."),
        ),
    ),
)
HEAD = ("id", "iri", "label")
TAIL = ("n_sources", "n_independent_sources", "disputed", "disputed_values", "source_ids")
TABLE_NAMES = ("agreements", "claims", "entities", "events", "posts", "projects", "trade")


def table_columns(table: Table) -> tuple[str, ...]:
    """Column names of a table, in file order (stable across releases)."""
    return (*HEAD, *(c.name for c in table.columns), *TAIL)


def query_text(table: Table) -> str:
    return _PREFIX + "\n" + (QUERIES / f"{table.name}.rq").read_text(encoding="utf-8")


@dataclass
class _Row:
    facts: dict[str, list[tuple[str, Term, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # column key -> (property, object, source id)
    pairs: set[tuple[str, str]] = field(default_factory=set)  # (subject, property) read
    flows: dict[str, str] = field(default_factory=dict)  # property -> the query's ?flow
    sources: set[str] = field(default_factory=set)
    publishers: set[str] = field(default_factory=set)


class _Context:
    """What every table needs once: labels, money values and the disputed facts."""

    def __init__(self, store: Store, ns: Namespaces) -> None:
        self.ns = ns
        self.labels = english_labels(store, ns)
        self.money = _money(store)
        self.disputed = {(f.subject, f.predicate) for f in disputed_facts(store, ns)}


def _money(store: Store) -> dict[str, tuple[str, str]]:
    """Value node -> (amount text, currency or unit)."""
    rows = store.select(
        f"""{_PREFIX}
SELECT ?v ?amount ?min ?max ?unit ?currency WHERE {{
  {{ SELECT DISTINCT ?v WHERE {{ ?v prkg:amount|prkg:minAmount|prkg:maxAmount ?x }} }}
  OPTIONAL {{ ?v prkg:amount ?amount }} OPTIONAL {{ ?v prkg:minAmount ?min }}
  OPTIONAL {{ ?v prkg:maxAmount ?max }} OPTIONAL {{ ?v prkg:unit ?unit }}
  OPTIONAL {{ ?v prkg:currency ?currency }}
}} ORDER BY ?v ?amount ?min ?max ?unit ?currency"""
    )
    out: dict[str, tuple[str, str]] = {}
    for row in rows:
        if "amount" in row:
            number = row["amount"].value
        else:
            number = "–".join(row[k].value for k in ("min", "max") if k in row)
        unit = row.get("currency") or row.get("unit")
        out.setdefault(row["v"].value, (number, _local(unit.value) if unit else ""))
    return out


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if iri.startswith("http") else iri


def _show(column: Column, prop: str, obj: Term, ctx: _Context, flows: dict[str, str]) -> str:
    kind = column.kind
    if kind == "iri":
        return obj.value if obj.is_uri else ""
    if kind == "class":
        return obj.value[len(str(PRKG)) :] if obj.value.startswith(str(PRKG)) else ""
    if kind == "amount":
        return ctx.money.get(obj.value, ("", ""))[0]
    if kind == "currency":
        return ctx.money.get(obj.value, ("", ""))[1]
    if kind == "flow":  # the query's ?flow for the property (queries/*.rq)
        return flows.get(prop, "")
    if kind == "year":
        return obj.value[:4] if obj.value[:4].isdigit() else ""
    if obj.is_uri:
        return ctx.labels.get(obj.value, _local(obj.value))
    return obj.value


def _gather(store: Store, table: Table) -> dict[tuple[str, str], _Row]:
    rows: dict[tuple[str, str], _Row] = {}
    for r in store.select(query_text(table)):
        key = (r["e"].value, r["k"].value if "k" in r else "")
        row = rows.setdefault(key, _Row())
        if "col" not in r or "o" not in r:
            continue  # an entity with none of the table's facts: still a row
        sid = r["sid"].value
        prop = r["p"].value
        if prop == RDF_TYPE and not r["o"].value.startswith(str(PRKG)):
            continue
        row.facts[r["col"].value].append((prop, r["o"], sid))
        if "flow" in r:  # loan, grant, …: the query says which a property is
            row.flows[prop] = r["flow"].value
        if r["col"].value == "held" and "asOf" in r:
            row.facts["as_of"].append((prop, r["asOf"], sid))
        row.pairs.add((r["s"].value, prop))
        row.sources.add(sid)
        row.publishers.add(r["publisher"].value if "publisher" in r else sid)
    return rows


def table_rows(
    store: Store, ns: Namespaces, table: Table, ctx: _Context | None = None
) -> list[dict[str, str]]:
    """The rows of one table, sorted by entity IRI (and post)."""
    ctx = ctx or _Context(store, ns)
    prefix = ns.entity("")
    out = []
    for (iri, k), row in sorted(_gather(store, table).items()):
        record = {"id": iri.removeprefix(prefix), "iri": iri, "label": ctx.labels.get(iri, "")}
        disputed: list[str] = []
        detail: list[str] = []
        amounts: dict[str, list[str]] = {}
        for column in table.columns:
            if column.kind == "key_label":
                record[column.name] = ctx.labels.get(k, "")
                continue
            if column.kind == "key_iri":
                record[column.name] = k
                continue
            found = row.facts.get(column.key, [])
            if column.kind == "year" and not found:
                found = row.facts.get("start", [])
            values: dict[str, set[str]] = {}
            for prop, obj, sid in found:
                text = _show(column, prop, obj, ctx, row.flows)
                if text:
                    values.setdefault(text, set()).add(sid)
            values = dict(sorted(values.items()))
            record[column.name] = SEP.join(values)
            if column.kind == "amount":
                amounts[column.key] = _units(found, ctx, list(values))
            elif column.kind == "currency" and len(set(amounts.get(column.key, []))) > 1:
                # several amounts in several currencies: one currency per amount, in order
                record[column.name] = SEP.join(amounts[column.key])
            props = {p for p, _o, _s in found}
            if len(values) > 1 and any(pair[1] in props for pair in row.pairs & ctx.disputed):
                disputed.append(column.name)
                detail.append(
                    f"{column.name}: "
                    + "; ".join(f"{v} [{', '.join(sorted(s))}]" for v, s in values.items())
                )
        record["n_sources"] = str(len(row.sources))
        record["n_independent_sources"] = str(len(row.publishers))
        record["disputed"] = SEP.join(disputed)
        record["disputed_values"] = SEP.join(detail)
        record["source_ids"] = SEP.join(sorted(row.sources, key=_source_order))
        out.append(record)
    return out


def _units(found: list[tuple[str, Term, str]], ctx: _Context, amounts: list[str]) -> list[str]:
    """The currency or unit of each amount, in the order of the amounts."""
    units: dict[str, set[str]] = defaultdict(set)
    for _p, obj, _s in found:
        number, unit = ctx.money.get(obj.value, ("", ""))
        if number and unit:
            units[number].add(unit)
    return ["/".join(sorted(units[a])) for a in amounts]


def _source_order(sid: str) -> tuple[int, str]:
    digits = "".join(ch for ch in sid if ch.isdigit())
    return (int(digits) if digits else 0, sid)


def to_csv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def one_table(store: Store, ns: Namespaces, name: str, ctx: _Context | None = None) -> str | None:
    """One table as CSV text by name (without .csv); None for an unknown name."""
    if name == "entities":
        return entities_csv(store, ns)
    if name == "claims":
        return claims_csv(store, ns)
    for table in TABLES:
        if table.name == name:
            return to_csv(table_columns(table), table_rows(store, ns, table, ctx))
    return None


def all_tables(store: Store, ns: Namespaces) -> dict[str, str]:
    """Every table as CSV text, by file name (`projects.csv`, …), in name order."""
    ctx = _Context(store, ns)
    out = {}
    for name in TABLE_NAMES:
        text = one_table(store, ns, name, ctx)
        assert text is not None
        out[f"{name}.csv"] = text
    return out
