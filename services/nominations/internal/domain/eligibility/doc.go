// Package eligibility checks a nomination against the eligibility rules of
// the emulation and commendation law (domain.md §5): the award rules R1–R11
// and the general rules G1–G4.
//
// It is pure Go over plain values: no I/O, no proto. The caller gathers an
// [Input] — the recipient's prior honours (from the honours service, across
// lineage), its other open or conferred nominations, what the nomination
// declares (yearly task ratings, initiatives, member counts for collectives,
// pending proceedings) and, for flags, its standing in blocs, clusters and
// movements — and calls [Check] with the [Thresholds] in force for the
// province (see [Config]).
//
// [Check] returns a [Report]: one [Line] per rule that applies to the award
// type and recipient kind, followed by G1–G4, which always appear. A line
// carries the rule id, an [Outcome] (PASS, FAIL, or UNKNOWN when the data
// needed is missing), a stable reason code for machines, and a sentence
// naming what was found, in Vietnamese for the officers and in English.
// The report's Overall is FAIL if any line fails, else UNKNOWN if any line
// is unknown, else PASS.
//
// Missing data is explicit: a list fetched from elsewhere comes with a
// Known flag (an empty list that is known means "none"), a struct that may
// be absent is a pointer, and a year without a rating is missing.
//
// R1–R4 and R8–R11 apply to their award whatever the recipient kind;
// R5–R7 to individuals only. R5–R7 pass with NO_CHAIN when the nomination
// is for an unexpected achievement or a thematic movement.
//
// Reason codes are the rule id, an underscore and a cause, e.g.
// R3_MISSING_CSTD_CS. The causes each rule gives:
//
//	rule  PASS                              FAIL                                  UNKNOWN
//	R1    RATING_OK                         RATING_TOO_LOW                        RATING_MISSING
//	R2    LDTT_HELD, LDTT_NOMINATED         MISSING_LDTT, RATING_TOO_LOW          HONOURS_UNKNOWN, NOMINATIONS_UNKNOWN, RATING_MISSING
//	R3    CSTD_CS_HELD                      MISSING_CSTD_CS, MISSING_INITIATIVE   HONOURS_UNKNOWN
//	R4    CSTD_TINH_HELD                    MISSING_CSTD_TINH, MISSING_INITIATIVE HONOURS_UNKNOWN
//	R5    CSTD_CS_HELD, RATING_OK, NO_CHAIN MISSING_CSTD_CS                       HONOURS_UNKNOWN, RATING_MISSING
//	R6    CHAIN_OK, NO_CHAIN                MISSING_BK_TINH, TOO_FEW_YEARS,       HONOURS_UNKNOWN, RATING_MISSING
//	                                        TOO_FEW_CSTD_CS
//	R7    CHAIN_OK, NO_CHAIN                MISSING_BK_TTG, TOO_FEW_YEARS,        HONOURS_UNKNOWN, RATING_MISSING
//	                                        TOO_FEW_CSTD_CS, NO_EXCELLENT
//	R8    RANKED_FIRST, LEADS_MOVEMENT      NOT_FIRST, NOT_RANKED                 STANDING_UNKNOWN, AUTHORITY_UNKNOWN
//	R9    CO_TINH_HELD, RANKED_FIRST,       MISSING_CO_TINH, NOT_OUTSTANDING,     HONOURS_UNKNOWN, FLAG_UNKNOWN,
//	      LEADS_MOVEMENT                    OVER_QUOTA                            STANDING_UNKNOWN
//	R10   RATING_OK                         RATING_TOO_LOW, TASKS_INCOMPLETE,     RATING_MISSING, MEMBERS_MISSING,
//	                                        TOO_FEW_LDTT, TOO_FEW_CSTD_CS         MEMBERS_INVALID
//	R11   LDTT_SHARE_OK                     TOO_FEW_LDTT, MEMBER_DISCIPLINED      MEMBERS_MISSING, MEMBERS_INVALID
//	G1    CLEAR                             PENDING                               NOT_ATTESTED
//	G2    UNIQUE                            DUPLICATE, SAME_ACHIEVEMENT           HONOURS_UNKNOWN, NOMINATIONS_UNKNOWN
//	G3    UNIQUE                            REUSED                                USES_UNKNOWN
//	G4    NO_CHAIN, CLEAR                   RELIES_ON_EXCLUDED                    HONOURS_UNKNOWN
//
// For R9, RANKED_FIRST is first place in a bloc or cluster of the central
// council and LEADS_MOVEMENT leading a Prime Minister's movement.
//
// A rule of several conditions reports the first condition that decides
// its outcome (for a rule of alternative routes, the route that passes, or
// the first route), and its sentences name every condition.
package eligibility
