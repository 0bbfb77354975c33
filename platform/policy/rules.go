package policy

import "github.com/tdkt-vn/tdkt/platform/auth"

// Who does what. Central administrators may do everything officers may.
var (
	officers = []auth.Role{auth.CentralAdmin, auth.BoardOfficer}
	scorers  = []auth.Role{auth.CentralAdmin, auth.BoardOfficer, auth.CouncilMember}
	admins   = []auth.Role{auth.CentralAdmin}
)

// public is a read anyone may make.
var public = Rule{}

const (
	blocs   = "/tdkt.blocs.v1.BlocsService/"
	honours = "/tdkt.honours.v1.HonoursService/"
	echo    = "/tdkt.benchmark.v1.EchoService/"
)

// Rules are the rules of every RPC of every service, by full method name.
// A new RPC needs its line here: without one it is denied, and the access
// matrix test (tools/e2e) fails until it has one.
var Rules = map[string]Rule{
	// blocs: units and groups are public to read; a province's officers
	// change what their province covers.
	blocs + "CreateUnit":       {Roles: officers, Resource: "unit.parent"},
	blocs + "GetUnit":          public,
	blocs + "ListUnits":        public,
	blocs + "UpdateUnit":       {Roles: officers, Resource: "unit.name"},
	blocs + "DissolveUnit":     {Roles: officers, Resource: "name"},
	blocs + "BatchGetUnits":    public,
	blocs + "WatchUnits":       public,
	blocs + "CreateGroup":      {Roles: officers, Resource: "group.organizer"},
	blocs + "GetGroup":         public,
	blocs + "ListGroups":       public,
	blocs + "UpdateGroup":      {Roles: officers, Resource: "group.name"},
	blocs + "ArchiveGroup":     {Roles: officers, Resource: "name"},
	blocs + "CreateMembership": {Roles: officers, Resource: "parent"},
	blocs + "ListMemberships":  public,
	blocs + "EndMembership":    {Roles: officers, Resource: "name"},
	blocs + "CreateTerm":       {Roles: officers, Resource: "parent"},
	blocs + "GetTerm":          public,
	blocs + "ListTerms":        public,
	blocs + "CreateCovenant":   {Roles: officers, Resource: "parent"},
	blocs + "GetCovenant":      public,
	blocs + "UpdateCovenant":   {Roles: officers, Resource: "covenant.name"},
	blocs + "SubmitScore":      {Roles: scorers, Resource: "parent"},
	blocs + "ListScores":       public,
	blocs + "GetRanking":       public,
	blocs + "ListAuditEntries": {Roles: officers},

	// honours: award types and the register of issued honours are public;
	// drafts are seen by their authority's readers only.
	honours + "ListAwardTypes":           public,
	honours + "GetAwardType":             public,
	honours + "ListBaseSalaries":         public,
	honours + "CreateDecision":           {Roles: officers, Resource: "decision.authority"},
	honours + "GetDecision":              {Resource: "name"},
	honours + "ListDecisionEntries":      {Resource: "parent"},
	honours + "ListDecisions":            public,
	honours + "AddDecisionEntries":       {Roles: officers, Resource: "name"},
	honours + "IssueDecision":            {Roles: officers, Resource: "name"},
	honours + "RevokeDecision":           {Roles: officers, Resource: "name"},
	honours + "GetHonour":                {Resource: "name"},
	honours + "ListHonours":              public,
	honours + "RevokeHonour":             {Roles: officers, Resource: "name"},
	honours + "BatchGetRecipientHistory": public,
	honours + "GetStatistics":            public,
	honours + "RenderDecision":           {Resource: "name"},
	honours + "RenderCertificate":        {Resource: "name"},
	honours + "ExportHonours":            public,
	honours + "ImportDecisions":          {Roles: admins},
	honours + "ListAuditEntries":         {Roles: officers},

	// The bare echo of the edge benchmark.
	echo + "Echo": public,
}
