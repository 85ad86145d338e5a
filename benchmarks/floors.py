"""The floor for each metric: one hand-written SQL aggregate that computes the same number
straight from the tables, as someone would write it at a psql or sqlite3 prompt.

Raw SQL lives here only, to measure the ORM against; the application itself stays inside the
portable ORM (DESIGN.md). The SQL runs unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

# A metric key -> (SQL, parameters) for a day.
Floor = Callable[[date], tuple[str, list]]


def _valid(alias: str) -> str:
    """``alias`` counts on the day: two parameters, both the day."""
    return f"{alias}.valid_from <= %s AND ({alias}.valid_to IS NULL OR {alias}.valid_to > %s)"


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _day(d: date):
    from django.db import connection

    return connection.ops.adapt_datefield_value(d)


def _organisations_of_kinds(kinds) -> Floor:
    def floor(d):
        sql = f"""
            SELECT COUNT(*) FROM registry_organisation o
            WHERE o.kind IN {_in(kinds)} AND {_valid("o")}"""
        return sql, [_day(d)] * 2

    return floor


def _qualified(kind: str) -> Floor:
    def floor(d):
        sql = f"""
            SELECT COUNT(DISTINCT q.organisation_id)
            FROM registry_qualification q
            JOIN registry_organisation o ON o.id = q.organisation_id
            WHERE q.kind = %s AND {_valid("q")} AND {_valid("o")}"""
        return sql, [kind] + [_day(d)] * 4

    return floor


def _first_grants(kind: str) -> Floor:
    def floor(d):
        sql = """
            SELECT COUNT(*)
            FROM registry_qualification q
            JOIN registry_organisation o ON o.id = q.organisation_id
            WHERE q.kind = %s AND q.valid_from >= %s AND q.valid_from <= %s
              AND o.valid_from <= q.valid_from
              AND (o.valid_to IS NULL OR o.valid_to > q.valid_from)
              AND NOT EXISTS (
                SELECT 1 FROM registry_qualification e
                WHERE e.organisation_id = q.organisation_id AND e.kind = q.kind
                  AND e.valid_from < q.valid_from)"""
        last = min(d, date(d.year, 12, 31))
        return sql, [kind, _day(date(d.year, 1, 1)), _day(last)]

    return floor


def _platforms(condition: str) -> Floor:
    def floor(d):
        sql = f"""
            SELECT COUNT(*)
            FROM registry_platform p
            JOIN registry_organisation o ON o.id = p.host_id
            WHERE {_valid("p")} AND {_valid("o")} AND {condition}"""
        return sql, [_day(d)] * 4

    return floor


def _valid_count(table: str, condition: str = "1 = 1") -> Floor:
    def floor(d):
        return f"SELECT COUNT(*) FROM {table} t WHERE {_valid('t')} AND {condition}", [_day(d)] * 2

    return floor


def _fund_scale(d):
    sql = f"""
        SELECT COALESCE(SUM(s.amount), 0)
        FROM registry_fund f
        JOIN registry_fundscale s ON s.fund_id = f.id
        WHERE {_valid("f")}
          AND s.effective_on = (
            SELECT MAX(s2.effective_on) FROM registry_fundscale s2
            WHERE s2.fund_id = f.id AND s2.effective_on <= %s)"""
    return sql, [_day(d)] * 3


def _high_value_patents(d):
    from innoplan.registry.patents import PLEDGE_THRESHOLD, maintained_cutoff

    sql = f"""
        SELECT COUNT(*) FROM registry_patent p
        WHERE p.kind = 'invention' AND {_valid("p")}
          AND (p.strategic_emerging_industry OR p.overseas_family OR p.filed_on < %s
               OR p.pledge_amount > %s OR p.award)
          AND EXISTS (
            SELECT 1 FROM registry_patentowner po
            JOIN registry_organisation o ON o.id = po.organisation_id
            WHERE po.patent_id = p.id AND {_valid("o")})"""
    params = [_day(d), _day(d), _day(maintained_cutoff(d)), int(PLEDGE_THRESHOLD)]
    return sql, params + [_day(d)] * 2


def _talents(kind: str) -> Floor:
    def floor(d):
        sql = f"""
            SELECT COUNT(DISTINCT r.talent_id) FROM registry_talentrecognition r
            WHERE r.kind = %s AND {_valid("r")}"""
        return sql, [kind] + [_day(d)] * 2

    return floor


RESEARCH = ("university", "research_institute", "branch")
INCUBATION = ("incubator", "proof_of_concept_center", "pilot_test_base")
INCUBATION += ("application_verification_platform",)

FLOORS: dict[str, Floor] = {
    "research_institutions": _organisations_of_kinds(RESEARCH),
    "high_tech_enterprises": _qualified("high_tech"),
    "specialised_sme_new": _first_grants("specialised_sme"),
    "innovation_partners": _qualified("innovation_partner"),
    "platforms_municipal_plus": _platforms(
        f"p.level IN ('national', 'municipal') AND p.kind NOT IN {_in(INCUBATION)}"
    ),
    "incubation_platforms": _platforms(f"p.kind IN {_in(INCUBATION)}"),
    "sub_funds": _valid_count("registry_fund"),
    "sub_fund_scale": _fund_scale,
    "brand_events": _valid_count("registry_brandevent"),
    "science_bases": _valid_count("registry_base", "t.kind = 'science_popularisation'"),
    "science_courtyards": _valid_count("registry_base", "t.kind = 'science_courtyard'"),
    "featured_parks": _valid_count("registry_park"),
    "canal_talents": _talents("canal_talent"),
    "innovation_teams": _valid_count("registry_team"),
    "young_scientists": _talents("young_scientist"),
    "high_value_patents": _high_value_patents,
}


def floor_value(key: str, d: date) -> Decimal:
    """The metric's value on ``d`` by its hand-written SQL."""
    from django.db import connection

    sql, params = FLOORS[key](d)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        value = cursor.fetchone()[0]
    return Decimal(str(value)) if value is not None else Decimal(0)
