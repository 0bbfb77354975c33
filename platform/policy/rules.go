package policy

import "github.com/tdkt-vn/tdkt/platform/auth"

// Who does what. Central administrators may do everything officers may.
var (
	officers = []auth.Role{auth.CentralAdmin, auth.BoardOfficer}
	// proposers prepare a unit's nominations: its clerks and officers.
	proposers = []auth.Role{auth.CentralAdmin, auth.BoardOfficer, auth.UnitClerk}
	// council members of an authority vote on its nominations.
	council = []auth.Role{auth.CentralAdmin, auth.CouncilMember}
	// signedIn is anyone with a role.
	signedIn = []auth.Role{auth.CentralAdmin, auth.BoardOfficer, auth.UnitClerk, auth.CouncilMember, auth.Viewer, auth.PIIReader}
	scorers  = []auth.Role{auth.CentralAdmin, auth.BoardOfficer, auth.CouncilMember}
	admins   = []auth.Role{auth.CentralAdmin}
)

// public is a read anyone may make.
var public = Rule{}

const (
	blocs       = "/tdkt.blocs.v1.BlocsService/"
	honours     = "/tdkt.honours.v1.HonoursService/"
	movements   = "/tdkt.movements.v1.MovementsService/"
	nominations = "/tdkt.nominations.v1.NominationsService/"
	echo        = "/tdkt.benchmark.v1.EchoService/"
)

// Rules are the rules of every RPC of every service, by full method name.
// A new RPC needs its line here: without one it is denied, and the access
// matrix test (tools/e2e) fails until it has one.
var Rules = map[string]Rule{
	// blocs: units and groups are public to read; a province's officers
	// change what their province covers.
	blocs + "CreateUnit":       {Roles: officers, Resources: []string{"unit.parent", "unit.province"}},
	blocs + "GetUnit":          public,
	blocs + "ListUnits":        public,
	blocs + "UpdateUnit":       {Roles: officers, Resources: []string{"unit.name", "unit.parent", "unit.province"}},
	blocs + "DissolveUnit":     {Roles: officers, Resources: []string{"name", "successor"}},
	blocs + "BatchGetUnits":    public,
	blocs + "WatchUnits":       public,
	blocs + "CreateGroup":      {Roles: officers, Resources: []string{"group.organizer"}},
	blocs + "GetGroup":         public,
	blocs + "ListGroups":       public,
	blocs + "UpdateGroup":      {Roles: officers, Resources: []string{"group.name", "group.organizer"}},
	blocs + "ArchiveGroup":     {Roles: officers, Resources: []string{"name"}},
	blocs + "CreateMembership": {Roles: officers, Resources: []string{"parent", "membership.unit"}},
	blocs + "ListMemberships":  public,
	blocs + "EndMembership":    {Roles: officers, Resources: []string{"name"}},
	blocs + "CreateTerm":       {Roles: officers, Resources: []string{"parent"}},
	blocs + "GetTerm":          public,
	blocs + "ListTerms":        public,
	blocs + "CreateCovenant":   {Roles: officers, Resources: []string{"parent"}},
	blocs + "GetCovenant":      public,
	blocs + "UpdateCovenant":   {Roles: officers, Resources: []string{"covenant.name"}},
	blocs + "SubmitScore":      {Roles: scorers, Resources: []string{"parent"}},
	blocs + "ListScores":       public,
	blocs + "GetRanking":       public,
	blocs + "ListAuditEntries": {Roles: officers},

	// honours: award types and the register of issued honours are public;
	// drafts are seen by their authority's readers only.
	honours + "ListAwardTypes":           public,
	honours + "GetAwardType":             public,
	honours + "ListBaseSalaries":         public,
	honours + "CreateDecision":           {Roles: officers, Resources: []string{"decision.authority", "decision.document.issuer"}},
	honours + "GetDecision":              {Resources: []string{"name"}},
	honours + "ListDecisionEntries":      {Resources: []string{"parent"}},
	honours + "ListDecisions":            public,
	honours + "AddDecisionEntries":       {Roles: officers, Resources: []string{"name"}},
	honours + "IssueDecision":            {Roles: officers, Resources: []string{"name"}},
	honours + "RevokeDecision":           {Roles: officers, Resources: []string{"name"}},
	honours + "GetHonour":                {Resources: []string{"name"}},
	honours + "ListHonours":              public,
	honours + "BatchGetHonours":          public,
	honours + "RevokeHonour":             {Roles: officers, Resources: []string{"name"}},
	honours + "BatchGetRecipientHistory": public,
	honours + "GetStatistics":            public,
	honours + "RenderDecision":           {Resources: []string{"name"}},
	honours + "RenderCertificate":        {Resources: []string{"name"}},
	honours + "ExportHonours":            public,
	honours + "ImportDecisions":          {Roles: admins},
	honours + "ListAuditEntries":         {Roles: officers},

	// movements: a movement is managed by the officers of the unit that
	// launched it; a draft is seen by that unit's readers only, a launched
	// movement and its participants by all.
	movements + "CreateMovement":          {Roles: officers, Resources: []string{"movement.launched_by", "movement.launch_document.issuer"}},
	movements + "GetMovement":             {Resources: []string{"name"}},
	movements + "ListMovements":           public,
	movements + "UpdateMovement":          {Roles: officers, Resources: []string{"movement.name", "movement.launched_by"}},
	movements + "LaunchMovement":          {Roles: officers, Resources: []string{"name"}},
	movements + "CloseMovement":           {Roles: officers, Resources: []string{"name"}},
	movements + "CreateParticipant":       {Roles: officers, Resources: []string{"parent"}},
	movements + "BatchCreateParticipants": {Roles: officers, Resources: []string{"parent"}},
	movements + "GetMovementReport":       {Resources: []string{"name"}},
	movements + "ListParticipants":        {Resources: []string{"parent"}},
	// Events are public to read and recorded by the officers of their
	// organizer (a movement's launching unit need not be theirs).
	movements + "CreateEvent":      {Roles: officers, Resources: []string{"event.organizer"}},
	movements + "GetEvent":         public,
	movements + "ListEvents":       public,
	movements + "ListAuditEntries": {Roles: officers},
	// exemplars: those of a launched movement are public; they are
	// recorded by the officers of the movement's launching unit.
	// ListExemplars' parent may be movements/- (every movement): the
	// handler then shows drafts' exemplars only within the caller's scope.
	movements + "CreateExemplar": {Roles: officers, Resources: []string{"parent"}},
	movements + "ListExemplars":  {Resources: []string{"parent"}},
	movements + "UpdateExemplar": {Roles: officers, Resources: []string{"exemplar.name"}},

	// nominations: a batch and its nominations belong to the proposer and
	// are acted on by the authority too (the service's Owner names both);
	// nobody else sees them. Which side takes which step (the proposer's
	// clerks submit and withdraw, the authority's officers appraise,
	// publish, approve and confer, its council votes) is the workflow's
	// rule, in the domain; these rules admit the roles that take a step.
	nominations + "CreateBatch":            {Roles: proposers, Resources: []string{"batch.proposer"}},
	nominations + "GetBatch":               {Resources: []string{"name"}},
	nominations + "ListBatches":            public,
	nominations + "SubmitBatch":            {Roles: proposers, Resources: []string{"name"}},
	nominations + "ConferBatch":            {Roles: officers, Resources: []string{"name"}},
	nominations + "CreateNomination":       {Roles: proposers, Resources: []string{"parent"}},
	nominations + "BatchCreateNominations": {Roles: proposers, Resources: []string{"parent"}},
	nominations + "ImportNominations":      {Roles: proposers},
	nominations + "GetNomination":          {Resources: []string{"name"}},
	nominations + "ListNominations":        {Resources: []string{"parent"}},
	nominations + "AppraiseNomination":     {Roles: officers, Resources: []string{"name"}},
	nominations + "ReturnNomination":       {Roles: officers, Resources: []string{"name"}},
	nominations + "RejectNomination":       {Roles: officers, Resources: []string{"name"}},
	nominations + "RecordVote":             {Roles: council, Resources: []string{"name"}},
	nominations + "PublishNomination":      {Roles: officers, Resources: []string{"name"}},
	nominations + "ApproveNomination":      {Roles: officers, Resources: []string{"name"}},
	nominations + "WithdrawNomination":     {Roles: proposers, Resources: []string{"name"}},
	nominations + "CheckEligibility":       {Roles: signedIn},
	nominations + "GetCalendar":            public,
	nominations + "UpdateCalendar":         {Roles: admins},
	nominations + "ListAuditEntries":       {Roles: officers},

	// The bare echo of the edge benchmark.
	echo + "Echo": public,
}
