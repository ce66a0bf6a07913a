"""Writes to facilitators, their contracts, placements and caseload. Every rule is enforced here.

Signatures (keyword-only; every function takes `actor`, checks the role for Area.FACILITATORS and the
scope rule of facilitators.selectors — a record the actor does not read is NotFound, one they read but
may not change AccessDenied — writes the audit in the same transaction and writes nothing when a rule
refuses; updates take `expected_version` (core.versioning, StaleVersion code `stale`)):

    facilitator_create(*, actor, name, sex, cohort, home_region, agency=None, user=None,
                       birth_year=None, education="d3", polytechnic="", study_programme="", phone="",
                       email="", identity_number="", scholarship_programme=..., status="active",
                       notes="") -> Facilitator
    facilitator_update(*, actor, facilitator, expected_version=None, reason="", **fields) -> Facilitator
    facilitator_set_status(*, actor, facilitator, status, expected_version=None, reason="") -> Facilitator

    contract_create(*, actor, facilitator, number, period_start, period_end, party="director_general",
                    party_agency=None, signed_on=None, signed_place="", signed_at_meeting=None,
                    contract_year=None, funding_source="", budget_line=None, honorarium=0,
                    operating_costs=0, previous=None, notes="") -> Contract
    contract_update(*, actor, contract, expected_version=None, reason="", **fields) -> Contract
    contract_renew(*, actor, contract, number, period_start=None, period_end=None, **fields) -> Contract
        (a new contract for the next period: previous=contract, contract_year+1; the period defaults to
        the year after the old one; the other fields default to the old contract's)

    placement_create(*, actor, facilitator, region, host_agency, starts_on, supervisor=None,
                     ends_on=None) -> Placement
    placement_end(*, actor, placement, ends_on, expected_version=None, reason="") -> Placement

    assignment_create(*, actor, facilitator, starts_on, centre=None, enterprise=None) -> Assignment
    assignment_end(*, actor, assignment, ends_on, expected_version=None, reason="") -> Assignment

Model instances are passed (Region, Agency, User, Meeting, BudgetLine, Centre, Enterprise), as the
forms' ModelChoiceFields give them; references are checked against what the actor reads.
Reads (facilitators.selectors): identity_number_for(actor, facilitator), contracts_expiring(actor,
within_days=60), current_placement(facilitator, on=None).

Stable error codes (DomainError.code and FieldError.code):
- facilitator: `not_facilitator_account` (user without the facilitator role), `account_taken` (user
  already linked to another facilitator), `identity_number` (NIK not 16 digits), `birth_year`
  (implausible), `cohort` (not 2007..this year), `not_regency` (home region not a regency/city),
  `out_of_scope`, `unknown_reference`;
- contract: `period_order`, `contract_overlap` (names the other contract and its dates),
  `duplicate_number`, `signed_in_future`, `unknown_reference` (meeting or budget line not readable),
  `already_renewed`;
- placement: `not_regency`, `host_agency_region` (host Dinas not in that regency), `supervisor_agency`
  (supervisor not a user of the host Dinas), `placement_overlap`, `end_before_start`;
- assignment: `target_required` (exactly one of centre/enterprise), `outside_placement` (target not in
  the placement regency), `already_assigned`, `end_before_start`, `unknown_reference`.
"""
